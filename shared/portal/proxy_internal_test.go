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
		if len(segs) != c.n || SegmentCount(c.duration, c.every) != c.n {
			t.Fatalf("%g s every %g s: %d segments, want %d", c.duration, c.every, len(segs), c.n)
		}
		for i, s := range segs {
			if i > 0 && s.From != segs[i-1].From+segs[i-1].Seconds || s.N != i+1 || s.Proxy != "p" {
				t.Fatalf("%g s: segment %d %+v does not follow %+v", c.duration, i, s, segs[i-1])
			}
		}
		if last := segs[len(segs)-1]; last.Seconds != 0 || last.From >= c.duration {
			t.Fatalf("%g s: the last segment %+v", c.duration, last)
		}
	}
}

func TestWatermarkLinesFitThePicture(t *testing.T) {
	// Ensures a long name is cut with an ellipsis rather than running off a 640-pixel picture.
	long := fitLine("openlot · " + strings.Repeat("Very Long Facility Name ", 4))
	if utf8.RuneCountInString(long) != watermarkRunes || !strings.HasSuffix(long, "…") {
		t.Fatalf("%q", long)
	}
	if short := fitLine("openlot · Juniper Post · Ana"); short != "openlot · Juniper Post · Ana" {
		t.Fatalf("%q", short)
	}
}
