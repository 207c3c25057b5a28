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
	"sync"
)

// prefix is the SHA-256 of an upload's parts 1…Next-1, hashed in the
// background as contiguous parts arrive, so completing the upload need not
// read the file again. Its state survives restarts in the upload's folder.
type prefix struct {
	Next  int    `json:"next"`
	State []byte `json:"state"` // the sha256 digest, marshalled
}

// HashesWhole says the store hashes every multipart blob whole as its parts
// arrive (lot.WholeHashing).
func (s *Store) HashesWhole() bool { return true }

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

// advance hashes the parts that now continue the prefix: from the bytes
// kept when they arrived, else read once from disk. It runs after a part is
// stored, in the background; it takes the upload's lock.
func (s *Store) advance(key, id string) {
	defer s.lock(id)()
	if _, err := s.loadUpload(key, id); err != nil {
		return // completed or aborted meanwhile
	}
	p, h := s.loadPrefix(id)
	start := p.Next
	for {
		if kept := s.held.take(id, p.Next); kept != nil {
			for _, c := range kept {
				h.Write(c.b[:c.n])
			}
			s.held.release(kept)
			p.Next++
			continue
		}
		f, err := openUncached(filepath.Join(s.uploadDir(id), partFile(p.Next)))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return
		}
		c := newChunk()
		_, err = io.CopyBuffer(h, onlyReader{f}, c.b)
		c.release()
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

// onlyReader hides a file's WriterTo, so that io.CopyBuffer reads into the
// aligned buffer it is given (uncached reads need one).
type onlyReader struct{ io.Reader }

// chunkSize is how parts are received, written, kept and hashed: 1 MiB, in
// memory aligned for writing straight to disk (Go places allocations this
// large on page boundaries; directIO checks).
const chunkSize = 1 << 20

type chunk struct {
	b []byte
	n int // bytes used
}

var chunks = sync.Pool{New: func() any { return &chunk{b: make([]byte, chunkSize)} }}

func newChunk() *chunk { return chunks.Get().(*chunk) }

func (c *chunk) release() {
	c.n = 0
	chunks.Put(c)
}

// heldBudget bounds the memory holding parts for the prefix hasher. Parts
// that arrive while it is spent are read back from disk instead.
const heldBudget = 48 << 20

// heldParts keeps stored parts' bytes until the prefix hasher takes them.
type heldParts struct {
	mu    sync.Mutex
	bytes int64                       // reserved, kept or not yet released
	parts map[string]map[int][]*chunk // upload ID → part → chunks
}

func (hp *heldParts) reserve(size int64) bool {
	size = roundChunks(size)
	hp.mu.Lock()
	defer hp.mu.Unlock()
	if hp.bytes+size > heldBudget {
		return false
	}
	hp.bytes += size
	return true
}

func roundChunks(size int64) int64 { return (size + chunkSize - 1) / chunkSize * chunkSize }

// unreserve gives back a reservation whose part was not kept.
func (hp *heldParts) unreserve(size int64, kept []*chunk) {
	for _, c := range kept {
		c.release()
	}
	hp.mu.Lock()
	hp.bytes -= roundChunks(size)
	hp.mu.Unlock()
}

// keep holds a stored part's chunks (its reservation, exactly), replacing
// any held for the same part.
func (hp *heldParts) keep(id string, part int, kept []*chunk) {
	hp.mu.Lock()
	if hp.parts == nil {
		hp.parts = map[string]map[int][]*chunk{}
	}
	if hp.parts[id] == nil {
		hp.parts[id] = map[int][]*chunk{}
	}
	old := hp.parts[id][part]
	hp.parts[id][part] = kept
	hp.mu.Unlock()
	if old != nil {
		hp.release(old)
	}
}

// take hands a held part to the caller, who must release it.
func (hp *heldParts) take(id string, part int) []*chunk {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	kept := hp.parts[id][part]
	delete(hp.parts[id], part)
	return kept
}

func (hp *heldParts) release(kept []*chunk) {
	for _, c := range kept {
		c.release()
	}
	hp.mu.Lock()
	hp.bytes -= int64(len(kept)) * chunkSize
	hp.mu.Unlock()
}

// drop releases everything held for an upload that completed or was aborted.
func (hp *heldParts) drop(id string) {
	hp.mu.Lock()
	parts := hp.parts[id]
	delete(hp.parts, id)
	hp.mu.Unlock()
	for _, kept := range parts {
		hp.release(kept)
	}
}

// forgetPrefix drops the prefix when a part inside it is sent again.
func (s *Store) forgetPrefix(id string, part int) {
	if p, _ := s.loadPrefix(id); part < p.Next {
		_ = os.Remove(s.prefixPath(id))
	}
}
