package ffmpeg

import (
	"context"
	"os/exec"
	"testing"
)

func TestDecodersAreReadFromTheProgram(t *testing.T) {
	// Ensures the decoders this ffmpeg has are known (the composition's
	// JPEG 2000 decoder is chosen by them), and one it has not is not.
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed")
	}
	m := Media{}
	if !m.decodes(context.Background(), "jpeg2000") || !m.decodes(context.Background(), "pcm_s24le") {
		t.Error("ffmpeg's jpeg2000 and pcm_s24le decoders are not seen")
	}
	if m.decodes(context.Background(), "no-such-decoder") {
		t.Error("a decoder ffmpeg has not is seen")
	}
}
