package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/openlot/openlot/shared/httpapi"
)

// A delivery card and its files are the API's own types (httpapi), so a
// field renamed in the API breaks this build, not a partner's upload.
type transferCard = httpapi.TransferJSON

func deliverCmd(cfg *string) *cobra.Command {
	var request, planDir, requests string
	var meta []string
	var parallel, stopAfter int
	var quiet, yes, again bool
	cmd := &cobra.Command{
		Use:   "deliver --request ID [--meta key=value ...] FILE...",
		Short: "Deliver files to a request: parallel, checksummed parts; run it again to resume",
		Long: "Uploads the files in parts straight to storage, reading every byte once and hashing it into the whole " +
			"file's SHA-256, which the server checks on completion. Where storage asks for it (S3), each part also goes " +
			"bound to its own SHA-256, so a damaged part is refused on arrival. If the command stops (killed, network gone), run the same command again: it finds the " +
			"unfinished transfer and sends only the missing parts. The transfer ends in Pending Inspection. Run again after the " +
			"upload finished, it says the files are delivered and sends nothing: --again delivers the same files once more.",
		Example: "  openlot deliver --request 01a0… --meta subtitleFormat=TTML --meta frameRate=23.976 tides_es.ttml\n" +
			"  openlot deliver --plan ./outbox --requests 01a0…,01a1… --meta frameRate=24",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			c, err := loadClient(*cfg)
			if err != nil {
				return err
			}
			if planDir != "" {
				if len(paths) > 0 || request != "" {
					return errors.New("--plan takes a folder and --requests; name no files and no --request")
				}
				return deliverPlan(cmd, c, planDir, requests, meta, parallel, quiet, yes, again)
			}
			if request == "" || len(paths) == 0 {
				return errors.New("name the request (--request ID) and the files to deliver, or use --plan DIR --requests IDS")
			}
			metadata, err := parseMeta(meta)
			if err != nil {
				return err
			}
			var progress io.Writer = cmd.ErrOrStderr()
			if quiet {
				progress = io.Discard
			}
			d := &deliverer{c: c, request: request, metadata: metadata, parallel: max(1, parallel), stopAfter: stopAfter, again: again, out: progress}
			card, err := d.run(cmd.Context(), paths)
			if err != nil {
				return err
			}
			d.report(cmd.OutOrStdout(), card)
			return nil
		},
	}
	cmd.Flags().StringVar(&request, "request", "", "request ID to deliver to")
	cmd.Flags().StringArrayVar(&meta, "meta", nil, "delivery metadata key=value, for every file (see GET /v1/source-types)")
	cmd.Flags().IntVar(&parallel, "parallel", 4, "parts uploaded at once")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bars")
	cmd.Flags().StringVar(&planDir, "plan", "", "a folder of files: show which file fits which of --requests, and why, then deliver the recommended ones")
	cmd.Flags().StringVar(&requests, "requests", "", "with --plan: request IDs, comma-separated")
	cmd.Flags().BoolVar(&yes, "yes", false, "with --plan: deliver the recommended files without asking")
	cmd.Flags().BoolVar(&again, "again", false, "deliver the files even though the request's latest delivery holds the very same files")
	cmd.Flags().IntVar(&stopAfter, "stop-after-parts", 0, "stop (as if killed) after uploading this many parts; for testing resume")
	_ = cmd.Flags().MarkHidden("stop-after-parts")
	return cmd
}

type deliverer struct {
	c         *client
	request   string
	metadata  map[string]string
	parallel  int
	stopAfter int
	again     bool // deliver even when the latest delivery holds the same files
	out       io.Writer
	// already is set when run found the files delivered and sent nothing.
	already bool
	sent    int
	mu      sync.Mutex
	// completeTook is how long the server took to complete (join and verify).
	completeTook time.Duration
}

var errStopped = errors.New("stopped on purpose after the parts asked for (--stop-after-parts); run the same command again to resume")

// run finds or starts the transfer, uploads what is missing, and completes it.
func (d *deliverer) run(ctx context.Context, paths []string) (*transferCard, error) {
	type local struct {
		path string
		name string
		size int64
	}
	var files []local
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("%s is a folder; name the files to deliver", p)
		}
		files = append(files, local{p, filepath.Base(p), fi.Size()})
	}
	// Resume: the newest unfinished transfer to this request with the same files.
	var cards httpapi.RequestTransfersResponse
	if err := d.c.call(ctx, http.MethodGet, "/v1/requests/"+d.request+"/transfers", nil, &cards); err != nil {
		return nil, err
	}
	var card *transferCard
	for i, t := range cards.Transfers {
		if t.Status != "WAITING_FOR_UPLOAD" && t.Status != "UPLOADING" || len(t.Files) != len(files) {
			continue
		}
		same := true
		for j, f := range t.Files {
			same = same && f.Name == files[j].name && f.Size == files[j].size
		}
		if same {
			card = &cards.Transfers[i]
			fmt.Fprintf(d.out, "resuming transfer %s\n", card.ID)
			break
		}
	}
	if card == nil && !d.again {
		var err error
		if card, err = d.delivered(cards.Transfers, paths); err != nil {
			return nil, err
		}
		if card != nil {
			d.already = true
			return card, nil
		}
	}
	if card == nil {
		var newFiles []httpapi.NewFileJSON
		for _, f := range files {
			newFiles = append(newFiles, httpapi.NewFileJSON{Name: f.name, Size: f.size, ContentType: contentType(f.path), Metadata: d.metadata})
		}
		var res httpapi.StartTransfersResponse
		body := httpapi.StartTransfersRequest{Method: "CLI", Transfers: []httpapi.NewTransferJSON{{RequestID: d.request, Files: newFiles}}}
		if err := d.c.call(ctx, http.MethodPost, "/v1/transfers", body, &res); err != nil {
			return nil, err
		}
		if len(res.Results) != 1 || !res.Results[0].OK {
			if len(res.Results) == 1 {
				return nil, &apiError{Status: 422, Problem: httpapi.Problem{Code: res.Results[0].Code, Message: res.Results[0].Message}}
			}
			return nil, errors.New("the server answered no result")
		}
		card = res.Results[0].Transfer
	}
	if err := d.c.call(ctx, http.MethodGet, "/v1/transfers/"+card.ID, nil, card); err != nil {
		return nil, err
	}

	bars := mpb.NewWithContext(ctx, mpb.WithOutput(d.out), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	var total int64
	for _, f := range files {
		total += f.size
	}
	totalBar := bars.AddBar(total, mpb.PrependDecorators(decor.Name("total ", decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f"), decor.Name(" "),
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f"), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	sums := make([]string, len(files))
	var firstErr error
	for i, f := range files {
		bar := bars.AddBar(f.size, mpb.PrependDecorators(decor.Name(truncateName(f.name, 28), decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")))
		sum, err := d.file(ctx, card, i, f.path, bar, totalBar)
		if err != nil {
			firstErr = err
			bar.Abort(false)
			break
		}
		sums[i] = sum
	}
	if firstErr != nil {
		totalBar.Abort(false)
		bars.Wait()
		return nil, firstErr
	}
	bars.Wait()
	var done httpapi.CompleteTransferRequest
	for _, s := range sums {
		done.Files = append(done.Files, httpapi.CompleteFileJSON{SHA256: s})
	}
	began := time.Now()
	if err := d.c.call(ctx, http.MethodPost, "/v1/transfers/"+card.ID+"/complete", done, card); err != nil {
		return nil, err
	}
	d.completeTook = time.Since(began)
	return card, nil
}

// delivered returns the request's latest delivery (cards, newest first) when
// it holds the very files at paths, in order (the same names, sizes and
// SHA-256), and nil otherwise. Uploads that never finished (superseded,
// aborted) are no delivery.
func (d *deliverer) delivered(cards []transferCard, paths []string) (*transferCard, error) {
	for i, t := range cards {
		switch t.Status {
		case "WAITING_FOR_UPLOAD", "UPLOADING", "SUPERSEDED", "ABORTED":
			continue
		}
		if len(t.Files) != len(paths) {
			return nil, nil
		}
		for j, f := range t.Files {
			fi, err := os.Stat(paths[j])
			if err != nil {
				return nil, err
			}
			if f.Name != filepath.Base(paths[j]) || f.Size != fi.Size() || f.SHA256 == "" {
				return nil, nil
			}
		}
		// The same names and sizes: only the bytes tell a corrected file.
		for j, f := range t.Files {
			sum, err := fileSHA256(paths[j])
			if err != nil {
				return nil, err
			}
			if !strings.EqualFold(sum, f.SHA256) {
				return nil, nil
			}
		}
		return &cards[i], nil
	}
	return nil, nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// report prints what run did: the transfer and its status, or that the
// files were delivered already and nothing was sent.
func (d *deliverer) report(w io.Writer, card *transferCard) {
	if d.already {
		fmt.Fprintf(w, "transfer %s: %s; already delivered these files (sent nothing; --again delivers them once more)\n", card.ID, card.Status)
		return
	}
	fmt.Fprintf(w, "transfer %s: %s\n", card.ID, card.Status)
}

// file reads one file once. Each part read goes two ways at once: to one
// goroutine that hashes the parts in order into the whole-file SHA-256, and,
// when storage lacks it, to a worker that hashes the part alone and uploads
// it bound to that hash. Reading, whole-file hashing and uploads overlap.
func (d *deliverer) file(ctx context.Context, card *transferCard, index int, path string, bar, total *mpb.Bar) (string, error) {
	tf := card.Files[index]
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	have := map[int]bool{}
	for _, n := range tf.Received {
		have[n] = true
	}
	for n := 1; tf.Complete && n <= tf.Parts; n++ {
		have[n] = true // storage already joined the file; only its hash is wanted
	}
	// A part buffer returns to free once both its uses are done with it.
	type part struct {
		n     int
		body  []byte
		users atomic.Int32
	}
	free := make(chan []byte, d.parallel+2)
	for range d.parallel + 2 {
		free <- make([]byte, tf.PartSize)
	}
	release := func(p *part) {
		if p.users.Add(-1) == 0 {
			free <- p.body[:cap(p.body)]
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	whole := sha256.New()
	ordered := make(chan *part, d.parallel+2)
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		for p := range ordered {
			whole.Write(p.body)
			release(p)
		}
	}()
	batch := &urlBatch{d: d, transfer: card.ID, file: index, have: map[int]signedURL{}}
	for n := 1; n <= tf.Parts; n++ {
		if !have[n] {
			batch.missing = append(batch.missing, n)
		}
	}
	jobs := make(chan *part)
	var wg sync.WaitGroup
	for range d.parallel {
		wg.Go(func() {
			for p := range jobs {
				sum := ""
				if card.PartChecksums != "optional" {
					h := sha256.Sum256(p.body)
					sum = hex.EncodeToString(h[:])
				}
				if err := d.sendPart(ctx, card.ID, index, p.n, sum, p.body, batch); err != nil {
					cancel(fmt.Errorf("%s part %d: %w", tf.Name, p.n, err))
				} else {
					bar.IncrBy(len(p.body))
					total.IncrBy(len(p.body))
				}
				release(p)
			}
		})
	}
	var readErr error
	for n := 1; n <= tf.Parts && readErr == nil; n++ {
		size := tf.PartSize
		if n == tf.Parts {
			size = tf.Size - int64(n-1)*tf.PartSize
		}
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
			readErr = context.Cause(ctx)
			continue
		}
		if _, err := io.ReadFull(f, buf[:size]); err != nil {
			readErr = fmt.Errorf("read %s: %w (did the file change since the transfer began?)", path, err)
			break
		}
		p := &part{n: n, body: buf[:size]}
		send := !have[n]
		if send && d.stopAfter > 0 {
			d.mu.Lock()
			stop := d.sent >= d.stopAfter
			d.sent++
			d.mu.Unlock()
			if stop {
				readErr = errStopped
				free <- buf
				break
			}
		}
		p.users.Store(1)
		if send {
			p.users.Store(2)
		}
		ordered <- p // never blocks: there are fewer buffers than its room
		if !send {
			bar.IncrBy(len(p.body))
			total.IncrBy(len(p.body))
			continue
		}
		select {
		case jobs <- p:
		case <-ctx.Done():
			release(p)
			readErr = context.Cause(ctx)
		}
	}
	close(jobs)
	close(ordered)
	wg.Wait()
	<-hashed
	if err := context.Cause(ctx); err != nil && readErr == nil {
		readErr = err
	}
	if readErr != nil {
		return "", readErr
	}
	return hex.EncodeToString(whole.Sum(nil)), nil
}

// signedURL is a part's upload URL as the API hands it out.
type signedURL = httpapi.URLJSON

// partURLs asks the API to sign upload URLs for parts of one file.
func (d *deliverer) partURLs(ctx context.Context, transfer string, file int, numbers []int, sum string) ([]signedURL, error) {
	var ask httpapi.PartURLsRequest
	for _, n := range numbers {
		ask.Parts = append(ask.Parts, httpapi.PartAskJSON{File: file, Number: n, SHA256: sum})
	}
	var urls httpapi.PartURLsResponse
	if err := d.c.call(ctx, http.MethodPost, "/v1/transfers/"+transfer+"/parts", ask, &urls); err != nil {
		return nil, err
	}
	if len(urls.URLs) != len(numbers) {
		return nil, fmt.Errorf("asked for %d part URLs, got %d", len(numbers), len(urls.URLs))
	}
	return urls.URLs, nil
}

// urlBatch signs unhashed parts' URLs ahead, many per call: such a URL binds
// nothing the client must compute first.
type urlBatch struct {
	d        *deliverer
	transfer string
	file     int
	missing  []int // part numbers to send, ascending
	mu       sync.Mutex
	have     map[int]signedURL
}

const urlsPerCall = 100

func (b *urlBatch) get(ctx context.Context, n int) (signedURL, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if u, ok := b.have[n]; ok {
		delete(b.have, n)
		return u, nil
	}
	i, _ := slices.BinarySearch(b.missing, n)
	next := b.missing[i:min(i+urlsPerCall, len(b.missing))]
	if len(next) == 0 || next[0] != n {
		next = []int{n}
	}
	urls, err := b.d.partURLs(ctx, b.transfer, b.file, next, "")
	if err != nil {
		return signedURL{}, err
	}
	for j, m := range next[1:] {
		b.have[m] = urls[j+1]
	}
	return urls[0], nil
}

// sendPart PUTs a part to its URL, retrying network failures and storage's
// 5xx answers with a freshly signed URL. A hashed part's URL is signed for
// its hash; an unhashed one comes from the batch signed ahead.
func (d *deliverer) sendPart(ctx context.Context, transfer string, file, n int, sum string, body []byte, batch *urlBatch) error {
	var last error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt*attempt) * 500 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		var u signedURL
		var err error
		if sum == "" && attempt == 0 {
			u, err = batch.get(ctx, n)
		} else {
			var us []signedURL
			if us, err = d.partURLs(ctx, transfer, file, []int{n}, sum); err == nil {
				u = us[0]
			}
		}
		if err != nil {
			var ae *apiError
			if errors.As(err, &ae) && ae.Status < 500 {
				return err
			}
			last = err
			continue
		}
		req, err := http.NewRequestWithContext(ctx, u.Method, u.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		for k, v := range u.Header {
			req.Header.Set(k, v)
		}
		req.ContentLength = int64(len(body))
		resp, err := d.c.http.Do(req)
		if err != nil {
			last = err
			continue
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		switch {
		case resp.StatusCode < 300:
			return nil
		case resp.StatusCode >= 500:
			last = fmt.Errorf("storage answered %s", resp.Status)
		default:
			return fmt.Errorf("storage refused the part: %s %s", resp.Status, strings.TrimSpace(string(msg)))
		}
	}
	return last
}

// contentType names a file's media type by its extension; an .xml file
// is TTML only when it says so (the TTML namespace near its start), as an
// IMF package's ASSETMAP, PKL and CPL are .xml too.
func contentType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ttml", ".dfxp":
		return "application/ttml+xml"
	case ".xml":
		if xmlIsTTML(path) {
			return "application/ttml+xml"
		}
		return "application/xml"
	case ".srt":
		return "application/x-subrip"
	case ".vtt":
		return "text/vtt"
	case ".wav":
		return "audio/wav"
	case ".mov":
		return "video/quicktime"
	case ".mp4":
		return "video/mp4"
	case ".mxf":
		return "application/mxf"
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".tif", ".tiff":
		return "image/tiff"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// xmlIsTTML reports whether the file's first 4 KiB name the TTML
// namespace (its root element, tt, carries it).
func xmlIsTTML(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte("http://www.w3.org/ns/ttml"))
}

func truncateName(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func parseMeta(meta []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range meta {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--meta %q: want key=value", kv)
		}
		out[k] = v
	}
	return out, nil
}

// deliverPlan shows the file bin's advice for a folder and the requests,
// and, once confirmed, delivers the recommended files request by request.
func deliverPlan(cmd *cobra.Command, c *client, dir, requests string, meta []string, parallel int, quiet, yes, again bool) error {
	metadata, err := parseMeta(meta)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []httpapi.PlanFileJSON
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			info, err := e.Info()
			if err != nil {
				return err
			}
			files = append(files, httpapi.PlanFileJSON{Name: e.Name(), Size: info.Size()})
			names = append(names, e.Name())
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("%s holds no files", dir)
	}
	ids := strings.Split(requests, ",")
	var res httpapi.PlanDeliveriesResponse
	if err := c.call(cmd.Context(), http.MethodPost, "/v1/deliveries/plan", httpapi.PlanDeliveriesRequest{Files: files, RequestIDs: ids}, &res); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	chosen := map[string][]string{}
	var order []string
	for _, p := range res.Plans {
		if !p.OK {
			fmt.Fprintf(out, "%s: %s (%s)\n", p.RequestID, p.Message, p.Code)
			continue
		}
		fmt.Fprintf(out, "%s  %s  %s %s\n", p.RequestID, p.Title, p.SourceType, p.Language)
		for _, cand := range p.Candidates {
			if cand.Score == 0 {
				continue
			}
			mark := "  "
			if cand.Recommended {
				mark = "→ "
				if len(chosen[p.RequestID]) == 0 {
					order = append(order, p.RequestID)
				}
				chosen[p.RequestID] = append(chosen[p.RequestID], filepath.Join(dir, cand.Name))
			}
			fmt.Fprintf(out, "  %s%3d  %s  (%s)\n", mark, cand.Score, cand.Name, strings.Join(cand.Reasons, "; "))
		}
	}
	if len(order) == 0 {
		return errors.New("no file is recommended for these requests; deliver by hand with --request and the files")
	}
	if !yes {
		fmt.Fprintf(out, "deliver the files marked → to %d requests? [y/N] ", len(order))
		answer, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return errors.New("nothing delivered")
		}
	}
	var progress io.Writer = cmd.ErrOrStderr()
	if quiet {
		progress = io.Discard
	}
	for _, id := range order {
		d := &deliverer{c: c, request: id, metadata: metadata, parallel: max(1, parallel), again: again, out: progress}
		card, err := d.run(cmd.Context(), chosen[id])
		if err != nil {
			return fmt.Errorf("request %s: %w", id, err)
		}
		d.report(out, card)
	}
	return nil
}
