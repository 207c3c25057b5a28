package diskblob

import (
	"crypto/sha256"
	"encoding"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// prefix is the SHA-256 of an upload's parts 1…Next-1, hashed in the
// background as contiguous parts arrive, so completing the upload need not
// read the file again. Its state survives restarts in the upload's folder.
type prefix struct {
	Next  int    `json:"next"`
	State []byte `json:"state"` // the sha256 digest, marshalled
}

func (s *Store) prefixPath(id string) string { return filepath.Join(s.uploadDir(id), "prefix.json") }

// loadPrefix returns the upload's prefix hash (empty when none yet).
func (s *Store) loadPrefix(id string) (prefix, hash.Hash) {
	h := sha256.New()
	var p prefix
	if err := readJSON(s.prefixPath(id), &p); err != nil || p.Next < 1 {
		return prefix{Next: 1}, h
	}
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(p.State); err != nil {
		return prefix{Next: 1}, sha256.New()
	}
	return p, h
}

// advance hashes the parts that now continue the prefix. It runs after a
// part is stored, in the background; it takes the upload's lock.
func (s *Store) advance(key, id string) {
	defer s.lock(id)()
	if _, err := s.loadUpload(key, id); err != nil {
		return // completed or aborted meanwhile
	}
	p, h := s.loadPrefix(id)
	start := p.Next
	for {
		f, err := os.Open(filepath.Join(s.uploadDir(id), partFile(p.Next)))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return
		}
		p.Next++
	}
	if p.Next == start {
		return
	}
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return
	}
	p.State = state
	b, _ := json.Marshal(p)
	_ = writeFile(s.prefixPath(id), b, 0o640, false)
}

// forgetPrefix drops the prefix when a part inside it is sent again.
func (s *Store) forgetPrefix(id string, part int) {
	if p, _ := s.loadPrefix(id); part < p.Next {
		_ = os.Remove(s.prefixPath(id))
	}
}
