package portal

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSegmentsCoverTheSource(t *testing.T) {
	// Ensures a source is cut into contiguous segments of about the asked length, at most MaxProxySegments, the last running to the end.
	for _, c := range []struct {
		duration, every float64
		n               int
	}{{30, 300, 1}, {600, 300, 2}, {601, 300, 3}, {20, 8, 3}, {36000, 300, MaxProxySegments}} {
		segs := planSegments("p", c.duration, c.every)
		if len(segs) != c.n {
			t.Fatalf("%g s every %g s: %d segments, want %d", c.duration, c.every, len(segs), c.n)
		}
		if n := SegmentCount(c.duration, c.every); n != c.n {
			t.Errorf("%g s every %g s: SegmentCount = %d, want %d", c.duration, c.every, n, c.n)
		}
		for i, s := range segs {
			if i > 0 && s.From != segs[i-1].From+segs[i-1].Seconds {
				t.Fatalf("%g s: segment %d %+v does not follow %+v", c.duration, i, s, segs[i-1])
			}
			if s.N != i+1 {
				t.Errorf("%g s: segment %d has N = %d, want %d", c.duration, i, s.N, i+1)
			}
			if s.Proxy != "p" {
				t.Errorf("%g s: segment %d has Proxy %q, want p", c.duration, i, s.Proxy)
			}
		}
		last := segs[len(segs)-1]
		if last.Seconds != 0 {
			t.Errorf("%g s: the last segment lasts %g s, want 0 (to the end): %+v", c.duration, last.Seconds, last)
		}
		if last.From >= c.duration {
			t.Errorf("%g s: the last segment starts at %g s, want before the end", c.duration, last.From)
		}
	}
}

func TestWatermarkLinesFitThePicture(t *testing.T) {
	// Ensures a long name is cut with an ellipsis rather than running off a 640-pixel picture.
	long := fitLine("openlot · " + strings.Repeat("Very Long Facility Name ", 4))
	if n := utf8.RuneCountInString(long); n != watermarkRunes {
		t.Errorf("%q has %d runes, want %d", long, n, watermarkRunes)
	}
	if !strings.HasSuffix(long, "…") {
		t.Errorf("%q does not end with an ellipsis", long)
	}
	if short := fitLine("openlot · Juniper Post · Ana"); short != "openlot · Juniper Post · Ana" {
		t.Fatalf("%q", short)
	}
}
