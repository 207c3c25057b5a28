package portal

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

func TestHashesSideBySideAreTheHashesOfTheBytes(t *testing.T) {
	// Ensures the SHA-256 and SHA-1 taken in one read are those of the
	// whole input, at every size around the chunk boundaries, and that a
	// read error is returned, not hidden in a short hash.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 7} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		h256, h1 := sha256.New(), sha1.New()
		if err := hashSideBySide(bytes.NewReader(b), h256, h1); err != nil {
			t.Fatal(err)
		}
		w256, w1 := sha256.Sum256(b), sha1.Sum(b)
		if !bytes.Equal(h256.Sum(nil), w256[:]) || !bytes.Equal(h1.Sum(nil), w1[:]) {
			t.Errorf("%d bytes: the hashes are not the bytes'", n)
		}
	}
	broken := errors.New("connection reset")
	err := hashSideBySide(io.MultiReader(bytes.NewReader(make([]byte, 3<<20)), iotestErr{broken}), sha256.New(), sha1.New())
	if !errors.Is(err, broken) {
		t.Errorf("a failing read: %v, want %v", err, broken)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }
