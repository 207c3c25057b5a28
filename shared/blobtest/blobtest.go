// Package blobtest is the contract every lot.Blobs must pass, over real HTTP:
// the suite uses the signed URLs as a browser or the CLI would.
//
//	blobtest.Run(t, func(t *testing.T) lot.Blobs { return open(t) })
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// NewBlobs returns an empty store (or one whose keys the suite will not meet).
type NewBlobs func(t *testing.T) lot.Blobs

// Run runs the whole contract.
func Run(t *testing.T, newBlobs NewBlobs) {
	t.Run("PutGetHeadRange", func(t *testing.T) { testPutGet(t, newBlobs(t)) })
	t.Run("RefusesTamperedForeignAndWrongMethodURLs", func(t *testing.T) { testTamper(t, newBlobs(t)) })
	t.Run("RefusesExpiredURLs", func(t *testing.T) { t.Parallel(); testExpired(t, newBlobs(t)) })
	t.Run("RefusesChecksumMismatch", func(t *testing.T) { testChecksum(t, newBlobs(t)) })
	t.Run("CreateOnlyURLsWriteOnceAndTheirLength", func(t *testing.T) { testCreateOnly(t, newBlobs(t)) })
	t.Run("Multipart", func(t *testing.T) { testMultipart(t, newBlobs(t)) })
	t.Run("MultipartAbortAndSmallParts", func(t *testing.T) { testAbort(t, newBlobs(t)) })
	t.Run("DeleteAndMissing", func(t *testing.T) { testDelete(t, newBlobs(t)) })
	t.Run("WriteBlob", func(t *testing.T) { testWriteBlob(t, newBlobs(t)) })
}

// Key returns a key no other test uses.
func Key(name string) string {
	return fmt.Sprintf("test/%d-%d/%s", time.Now().UnixNano(), rand.Int64(), name)
}

// SHA256 is the base64 SHA-256 of b, as the Blobs port takes it.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if err == nil || lot.ErrorCode(err) != code {
		tb.Fatalf("got error %v, want code %s", err, code)
	}
}

// Do sends body to u as its Method and Header say (plus extra headers), and
// returns the status and the response body.
func Do(tb testing.TB, u lot.SignedURL, body []byte, extra ...string) (int, []byte, http.Header) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(u.Method, u.URL, rd)
	must(tb, err)
	for k, v := range u.Header {
		req.Header.Set(k, v)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	resp, err := http.DefaultClient.Do(req)
	must(tb, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(tb, err)
	return resp.StatusCode, b, resp.Header
}

func content(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

func upload(tb testing.TB, bs lot.Blobs, key string, body []byte, ct string) {
	tb.Helper()
	u, err := bs.PresignPut(context.Background(), key, lot.PutOptions{ContentType: ct, SHA256: SHA256(body)})
	must(tb, err)
	if code, b, _ := Do(tb, u, body); code != http.StatusOK {
		tb.Fatalf("upload: %d %s", code, b)
	}
}

func testPutGet(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("subtitles/es-419.srt")
	body := content(100_000, 3)
	u, err := bs.PresignPut(ctx, key, lot.PutOptions{ContentType: "application/x-subrip", SHA256: SHA256(body), Expires: time.Minute})
	must(t, err)
	if u.Method != http.MethodPut {
		t.Errorf("put URL Method = %q, want %q", u.Method, http.MethodPut)
	}
	if left := time.Until(u.Expires); left > time.Minute+time.Second || left < 50*time.Second {
		t.Errorf("put URL expires in %v, want about %v", left, time.Minute)
	}
	if code, b, _ := Do(t, u, body); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, b)
	}
	info, err := bs.Head(ctx, key)
	must(t, err)
	if info.Size != int64(len(body)) {
		t.Errorf("head Size = %d, want %d", info.Size, len(body))
	}
	if info.ContentType != "application/x-subrip" {
		t.Errorf("head ContentType = %q, want %q", info.ContentType, "application/x-subrip")
	}
	if info.ETag == "" {
		t.Error("head ETag is empty")
	}
	if info.Key != key {
		t.Errorf("head Key = %q, want %q", info.Key, key)
	}
	if time.Since(info.Modified) > time.Hour {
		t.Errorf("head Modified = %v, want within the last hour", info.Modified)
	}

	g, err := bs.PresignGet(ctx, key, lot.GetOptions{Filename: "House of Tides (es-419).srt"})
	must(t, err)
	code, got, h := Do(t, g, nil)
	if code != http.StatusOK {
		t.Errorf("download: status %d, want %d", code, http.StatusOK)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("download: got %d bytes, not the %d uploaded", len(got), len(body))
	}
	cd := h.Get("Content-Disposition")
	if !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition %q, want it to contain %q", cd, "attachment")
	}
	if !strings.Contains(cd, "House of Tides") {
		t.Errorf("Content-Disposition %q, want it to contain %q", cd, "House of Tides")
	}
	code, got, h = Do(t, g, nil, "Range", "bytes=1000-1999")
	if code != http.StatusPartialContent {
		t.Errorf("ranged download: status %d, want %d", code, http.StatusPartialContent)
	}
	if !bytes.Equal(got, body[1000:2000]) {
		t.Errorf("ranged download: got %d bytes, not bytes 1000-1999 of the blob", len(got))
	}
	if cr := h.Get("Content-Range"); !strings.HasPrefix(cr, "bytes 1000-1999/") {
		t.Errorf("ranged download: Content-Range %q, want prefix %q", cr, "bytes 1000-1999/")
	}
	// A URL tagged with a download ID downloads the same; the tag is signed.
	tagged, err := bs.PresignGet(ctx, key, lot.GetOptions{Tag: "01a20604-4851-7f1c-bd81-0a326b4a9f97"})
	must(t, err)
	if !strings.Contains(tagged.URL, "01a20604-4851-7f1c-bd81-0a326b4a9f97") {
		t.Fatalf("the tag is not in the URL: %s", tagged.URL)
	}
	code, got, _ = Do(t, tagged, nil, "Range", "bytes=0-99")
	if code != http.StatusPartialContent {
		t.Errorf("tagged ranged download: status %d, want %d", code, http.StatusPartialContent)
	}
	if !bytes.Equal(got, body[:100]) {
		t.Errorf("tagged ranged download: got %d bytes, not bytes 0-99 of the blob", len(got))
	}
	forged := tagged
	forged.URL = strings.Replace(tagged.URL, "01a20604-4851", "01a20604-4852", 1)
	if code, _, _ := Do(t, forged, nil); !refused(code) {
		t.Fatalf("a download with a changed tag answered %d", code)
	}

	rc, err := bs.Read(ctx, key, 99_990, -1)
	must(t, err)
	tail, err := io.ReadAll(rc)
	rc.Close()
	must(t, err)
	if !bytes.Equal(tail, body[99_990:]) {
		t.Fatalf("read tail: %d bytes", len(tail))
	}
	rc, err = bs.Read(ctx, key, 10, 5)
	must(t, err)
	mid, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(mid, body[10:15]) {
		t.Fatalf("read range: %v", mid)
	}

	// Uploading again replaces the blob.
	upload(t, bs, key, []byte("replaced"), "text/plain")
	info, _ = bs.Head(ctx, key)
	if info.Size != 8 {
		t.Errorf("after replace Size = %d, want 8", info.Size)
	}
	if info.ContentType != "text/plain" {
		t.Errorf("after replace ContentType = %q, want %q", info.ContentType, "text/plain")
	}
	// Keys openlot would never build are refused before any URL exists.
	for _, bad := range []string{"", "../etc/passwd", "a//b", "a/./b", "spaces are bad", "/abs"} {
		_, err := bs.PresignPut(ctx, bad, lot.PutOptions{})
		wantCode(t, err, lot.CodeInvalid)
	}
	_, err = bs.PresignGet(ctx, key, lot.GetOptions{Expires: 8 * 24 * time.Hour})
	wantCode(t, err, lot.CodeInvalid)
}

// refused reports whether a status means the store turned the request down.
func refused(code int) bool {
	return code == http.StatusForbidden || code == http.StatusBadRequest || code == http.StatusNotFound
}

// variants returns u with each query value altered in turn, plus u with its
// path pointing at another key: every one must be refused.
func variants(tb testing.TB, u lot.SignedURL, otherKey string) map[string]lot.SignedURL {
	tb.Helper()
	p, err := url.Parse(u.URL)
	must(tb, err)
	out := map[string]lot.SignedURL{}
	q := p.Query()
	for name := range q {
		v := q.Get(name)
		alt := "0"
		if v != "" {
			last := v[len(v)-1]
			alt = v[:len(v)-1] + map[bool]string{true: "1", false: "2"}[last != '1']
		}
		q2 := p.Query()
		q2.Set(name, alt)
		p2 := *p
		p2.RawQuery = q2.Encode()
		c := u
		c.URL = p2.String()
		out["query "+name] = c
	}
	p3 := *p
	last := strings.LastIndex(p3.Path, "/")
	p3.Path = p3.Path[:last+1] + otherKey[strings.LastIndex(otherKey, "/")+1:]
	p3.RawPath = ""
	c := u
	c.URL = p3.String()
	out["foreign key"] = c
	return out
}

func testTamper(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("secret.mov")
	body := content(4096, 1)
	upload(t, bs, key, body, "video/quicktime")

	g, err := bs.PresignGet(ctx, key, lot.GetOptions{})
	must(t, err)
	for name, v := range variants(t, g, Key("other.mov")) {
		code, got, _ := Do(t, v, nil)
		if !refused(code) {
			t.Errorf("GET with tampered %s: %d, want refused", name, code)
		}
		if bytes.Equal(got, body) {
			t.Errorf("GET with tampered %s answered the blob's %d bytes", name, len(got))
		}
	}
	// The URL to read is not a URL to write.
	put := g
	put.Method = http.MethodPut
	if code, _, _ := Do(t, put, []byte("overwrite")); !refused(code) {
		t.Errorf("PUT through a GET URL: %d", code)
	}

	target := Key("upload.bin")
	newBody := content(2048, 9)
	u, err := bs.PresignPut(ctx, target, lot.PutOptions{ContentType: "application/octet-stream", SHA256: SHA256(newBody)})
	must(t, err)
	for name, v := range variants(t, u, key) {
		if code, b, _ := Do(t, v, newBody); !refused(code) {
			t.Errorf("PUT with tampered %s: %d %s, want refused", name, code, b)
		}
	}
	if _, err := bs.Head(ctx, target); !lot.IsCode(err, lot.CodeNotFound) {
		t.Fatalf("a refused upload stored something: %v", err)
	}
	if info, _ := bs.Head(ctx, key); info.Size != int64(len(body)) {
		t.Fatalf("a refused upload changed another key: %+v", info)
	}
	// The signed content type is part of the deal.
	if code, _, _ := Do(t, u, newBody, "Content-Type", "text/html"); !refused(code) {
		t.Errorf("PUT with another Content-Type: %d, want refused", code)
	}
	// The genuine URL still works afterwards.
	if code, b, _ := Do(t, u, newBody); code != http.StatusOK {
		t.Fatalf("genuine upload: %d %s", code, b)
	}
}

func testExpired(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("soon-gone.txt")
	upload(t, bs, key, []byte("hello"), "text/plain")
	g, err := bs.PresignGet(ctx, key, lot.GetOptions{Expires: time.Second})
	must(t, err)
	u, err := bs.PresignPut(ctx, Key("late.txt"), lot.PutOptions{ContentType: "text/plain", Expires: time.Second})
	must(t, err)
	time.Sleep(2100 * time.Millisecond)
	code, got, _ := Do(t, g, nil)
	if code != http.StatusForbidden {
		t.Errorf("expired GET: %d, want 403", code)
	}
	if string(got) == "hello" {
		t.Errorf("expired GET answered the blob %q", got)
	}
	if code, _, _ := Do(t, u, []byte("late")); code != http.StatusForbidden {
		t.Errorf("expired PUT: %d, want 403", code)
	}
}

func testChecksum(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("checked.bin")
	want := content(10_000, 5)
	u, err := bs.PresignPut(ctx, key, lot.PutOptions{ContentType: "application/octet-stream", SHA256: SHA256(want)})
	must(t, err)
	corrupt := bytes.Clone(want)
	corrupt[5000] ^= 0xff
	if code, _, _ := Do(t, u, corrupt); code != http.StatusBadRequest {
		t.Fatalf("corrupt upload: %d, want 400", code)
	}
	if _, err := bs.Head(ctx, key); !lot.IsCode(err, lot.CodeNotFound) {
		t.Fatalf("a corrupt upload was stored: %v", err)
	}
	if code, b, _ := Do(t, u, want); code != http.StatusOK {
		t.Fatalf("good upload after a bad one: %d %s", code, b)
	}
}

// testCreateOnly: a URL signed with Size and CreateOnly takes a body of that
// length only, and only while the key holds nothing: once written, the same
// URL (replayed) and a new one are refused, and the stored bytes stay.
func testCreateOnly(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("material.wav")
	want := content(4_000, 7)
	u, err := bs.PresignPut(ctx, key, lot.PutOptions{ContentType: "audio/wav", SHA256: SHA256(want), Size: int64(len(want)), CreateOnly: true})
	must(t, err)
	if code, _, _ := Do(t, u, want[:3_999]); code < 400 || code >= 500 {
		t.Fatalf("a shorter body: %d, want a 4xx", code)
	}
	if code, b, _ := Do(t, u, want); code != http.StatusOK {
		t.Fatalf("first upload: %d %s", code, b)
	}
	if code, _, _ := Do(t, u, want); code < 400 || code >= 500 {
		t.Fatalf("the URL replayed over the stored blob: %d, want a 4xx", code)
	}
	other := content(4_000, 8)
	u2, err := bs.PresignPut(ctx, key, lot.PutOptions{ContentType: "audio/wav", SHA256: SHA256(other), Size: int64(len(other)), CreateOnly: true})
	must(t, err)
	if code, _, _ := Do(t, u2, other); code < 400 || code >= 500 {
		t.Fatalf("a new create-only URL over the stored blob: %d, want a 4xx", code)
	}
	rc, err := bs.Read(ctx, key, 0, -1)
	must(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	must(t, err)
	if !bytes.Equal(got, want) {
		t.Fatalf("the stored blob changed")
	}
}

func testMultipart(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("delivery/IMF_PKG.mxf")
	id, err := bs.CreateUpload(ctx, key, "application/mxf")
	must(t, err)
	p1 := content(lot.MinPartSize, 1)
	p2 := content(lot.MinPartSize+123, 2)
	p3 := content(777, 3)
	urls := map[int]lot.SignedURL{}
	for n, b := range map[int][]byte{1: p1, 2: p2, 3: p3} {
		u, err := bs.PresignPart(ctx, key, id, n, lot.PartOptions{SHA256: SHA256(b), Expires: time.Hour})
		must(t, err)
		urls[n] = u
	}
	// Part 2 arrives corrupted first: refused, and not listed.
	bad := bytes.Clone(p2)
	bad[0] ^= 1
	if code, _, _ := Do(t, urls[2], bad); code != http.StatusBadRequest {
		t.Fatalf("corrupt part: %d, want 400", code)
	}
	// A part URL is bound to its part number.
	swapped := urls[3]
	if code, _, _ := Do(t, swapped, p1); code != http.StatusBadRequest && code != http.StatusForbidden {
		t.Fatalf("part 1's bytes through part 3's URL: %d, want refused", code)
	}
	for _, n := range []int{3, 1} { // out of order on purpose
		if code, b, _ := Do(t, urls[n], map[int][]byte{1: p1, 3: p3}[n]); code != http.StatusOK {
			t.Fatalf("part %d: %d %s", n, code, b)
		}
	}
	parts, err := bs.ListParts(ctx, key, id)
	must(t, err)
	if len(parts) != 2 {
		t.Fatalf("%d parts listed, want 2: %+v", len(parts), parts)
	}
	if parts[0].Number != 1 {
		t.Errorf("listed part 0 Number = %d, want 1", parts[0].Number)
	}
	if parts[1].Number != 3 {
		t.Errorf("listed part 1 Number = %d, want 3", parts[1].Number)
	}
	if parts[0].Size != int64(len(p1)) {
		t.Errorf("listed part 0 Size = %d, want %d", parts[0].Size, len(p1))
	}
	if parts[0].SHA256 != SHA256(p1) {
		t.Errorf("listed part 0 SHA256 = %q, want %q", parts[0].SHA256, SHA256(p1))
	}
	if parts[1].SHA256 != SHA256(p3) {
		t.Errorf("listed part 1 SHA256 = %q, want %q", parts[1].SHA256, SHA256(p3))
	}
	if parts[0].ETag == "" {
		t.Error("listed part 0 ETag is empty")
	}
	// Resume: upload the missing part, then complete with what the store lists.
	if code, b, _ := Do(t, urls[2], p2); code != http.StatusOK {
		t.Fatalf("part 2: %d %s", code, b)
	}
	parts, err = bs.ListParts(ctx, key, id)
	must(t, err)
	if len(parts) != 3 {
		t.Fatalf("%d parts listed, want 3", len(parts))
	}
	wrong := append([]lot.Part(nil), parts...)
	wrong[1].ETag = `"0000"`
	_, err = bs.CompleteUpload(ctx, key, id, wrong)
	wantCode(t, err, lot.CodeInvalid)
	info, err := bs.CompleteUpload(ctx, key, id, parts)
	must(t, err)
	whole := bytes.Join([][]byte{p1, p2, p3}, nil)
	if info.Size != int64(len(whole)) {
		t.Errorf("completed Size = %d, want %d", info.Size, len(whole))
	}
	if info.Key != key {
		t.Errorf("completed Key = %q, want %q", info.Key, key)
	}
	head, err := bs.Head(ctx, key)
	must(t, err)
	if head.Size != int64(len(whole)) {
		t.Errorf("head Size = %d, want %d", head.Size, len(whole))
	}
	if head.ContentType != "application/mxf" {
		t.Errorf("head ContentType = %q, want %q", head.ContentType, "application/mxf")
	}
	if sum := sha256.Sum256(whole); info.SHA256 != "" && info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("the store reports SHA-256 %s for the joined blob; it is %x", info.SHA256, sum)
	}
	rc, err := bs.Read(ctx, key, 0, -1)
	must(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	must(t, err)
	if !bytes.Equal(got, whole) {
		t.Fatal("the completed blob is not the parts joined in order")
	}
	_, err = bs.ListParts(ctx, key, id)
	wantCode(t, err, lot.CodeNotFound)
}

func testAbort(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("aborted.mov")
	id, err := bs.CreateUpload(ctx, key, "video/quicktime")
	must(t, err)
	small := []byte("too small to be anything but the last part")
	u1, err := bs.PresignPart(ctx, key, id, 1, lot.PartOptions{SHA256: SHA256(small), Size: int64(len(small))})
	must(t, err)
	u2, err := bs.PresignPart(ctx, key, id, 2, lot.PartOptions{SHA256: SHA256(small)})
	must(t, err)
	for _, u := range []lot.SignedURL{u1, u2} {
		if code, b, _ := Do(t, u, small); code != http.StatusOK {
			t.Fatalf("part: %d %s", code, b)
		}
	}
	parts, err := bs.ListParts(ctx, key, id)
	must(t, err)
	_, err = bs.CompleteUpload(ctx, key, id, parts)
	wantCode(t, err, lot.CodeInvalid) // part 1 is under MinPartSize
	_, err = bs.CompleteUpload(ctx, key, id, []lot.Part{parts[1], parts[0]})
	wantCode(t, err, lot.CodeInvalid)
	_, err = bs.PresignPart(ctx, key, id, lot.MaxParts+1, lot.PartOptions{SHA256: SHA256(small)})
	wantCode(t, err, lot.CodeInvalid)
	// A part URL bound to a length refuses a longer body (even without a checksum).
	sized, err := bs.PresignPart(ctx, key, id, 3, lot.PartOptions{Size: 10})
	must(t, err)
	if code, _, _ := Do(t, sized, []byte("eleven bytes")); !refused(code) {
		t.Fatalf("a part longer than signed: %d, want refused", code)
	}
	if parts, _ := bs.ListParts(ctx, key, id); len(parts) != 2 {
		t.Fatalf("a refused part was listed: %+v", parts)
	}

	must(t, bs.AbortUpload(ctx, key, id))
	_, err = bs.ListParts(ctx, key, id)
	wantCode(t, err, lot.CodeNotFound)
	if code, _, _ := Do(t, u1, small); !refused(code) {
		t.Fatalf("part after abort: %d, want refused", code)
	}
	if _, err := bs.Head(ctx, key); !lot.IsCode(err, lot.CodeNotFound) {
		t.Fatalf("an aborted upload left a blob: %v", err)
	}
	_, err = bs.ListParts(ctx, key, "no-such-upload")
	wantCode(t, err, lot.CodeNotFound)
}

func testDelete(t *testing.T, bs lot.Blobs) {
	ctx := context.Background()
	key := Key("to-delete.txt")
	upload(t, bs, key, []byte("bye"), "text/plain")
	must(t, bs.Delete(ctx, key))
	_, err := bs.Head(ctx, key)
	wantCode(t, err, lot.CodeNotFound)
	must(t, bs.Delete(ctx, key))
	_, err = bs.Read(ctx, key, 0, -1)
	wantCode(t, err, lot.CodeNotFound)
	g, err := bs.PresignGet(ctx, key, lot.GetOptions{})
	must(t, err)
	if code, _, _ := Do(t, g, nil); code != http.StatusNotFound {
		t.Fatalf("download of a deleted blob: %d, want 404", code)
	}
}

// testWriteBlob checks a store that writes blobs itself (lot.BlobWriter):
// what it writes reads back whole, with its type and size, and a second
// write replaces the first.
func testWriteBlob(t *testing.T, bs lot.Blobs) {
	w, ok := bs.(lot.BlobWriter)
	if !ok {
		t.Skip("the store writes only through URLs")
	}
	ctx := context.Background()
	key := "search/fp/" + Key("snap") + ".gob"
	for i, body := range [][]byte{content(70_000, 3), content(1_000, 9)} {
		must(t, w.WriteBlob(ctx, key, "application/x-gob", body))
		info, err := bs.Head(ctx, key)
		must(t, err)
		if info.Size != int64(len(body)) || info.ContentType != "application/x-gob" {
			t.Fatalf("write %d: head %+v, want %d bytes of application/x-gob", i, info, len(body))
		}
		rc, err := bs.Read(ctx, key, 0, -1)
		must(t, err)
		got, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if !bytes.Equal(got, body) {
			t.Fatalf("write %d: read back %d bytes that differ from the %d written", i, len(got), len(body))
		}
	}
	wantCode(t, w.WriteBlob(ctx, "search/../x", "text/plain", nil), lot.CodeInvalid)
}
