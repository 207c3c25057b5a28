package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/httpapi"
)

type uploadResult struct {
	Bytes         int64     `json:"bytes"`
	Parallel      int       `json:"parallel"`
	DeliverMBps   float64   `json:"deliver_mb_s"`
	UploadMBps    float64   `json:"upload_mb_s"`
	RawMBps       float64   `json:"raw_loopback_mb_s"`
	RawRuns       []float64 `json:"raw_runs_mb_s"`
	DeliverRuns   []float64 `json:"deliver_runs_mb_s"`
	Ratio         float64   `json:"ratio"`
	ServerMaxRSS  float64   `json:"server_max_rss_mb"`
	CompleteS     float64   `json:"complete_s"`
	InspectS      float64   `json:"inspection_s"`
	TransferState string    `json:"status"`
	// The last delivery's inspection finding, if it failed: the bench
	// delivers random bytes, which arrive intact (the server checked the
	// whole file's SHA-256 on completion) and are then judged as what the
	// request asked for. An IMF request wants a package, so they fail as
	// one (IMF_...), never as damaged bytes (CHECKSUM_MISMATCH).
	ErrorCode string `json:"error_code,omitempty"`
	// With --browser: the same file delivered from the portal's Delivery UI
	// in headless Chromium, and its throughput over the CLI's.
	BrowserMBps  float64   `json:"browser_mb_s,omitempty"`
	BrowserRuns  []float64 `json:"browser_runs_mb_s,omitempty"`
	BrowserRatio float64   `json:"browser_ratio,omitempty"`
}

func benchUploadCmd() *cobra.Command {
	var size, tmp string
	var parallel int
	var browser bool
	cmd := &cobra.Command{
		Use:   "upload",
		Short: "Deliver one large file to a local server and compare with a raw loopback copy",
		Long: "Starts `openlot serve --demo` as its own process on a temporary data folder, delivers a generated file of " +
			"--size to an IMF request with the deliver command's code (parallel checksummed parts, then complete), " +
			"samples the server's resident memory, copies the same bytes raw over loopback into a file, and prints one JSON " +
			"line. ratio = deliver throughput (start to Pending Inspection) / raw copy throughput. With --browser each round " +
			"also delivers the file from the portal's Delivery UI in headless Chromium (web/e2e/deliver-bench.mjs) and " +
			"browser_ratio = browser throughput / deliver throughput.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := parseSize(size)
			if err != nil {
				return err
			}
			res, err := benchUpload(cmd.Context(), n, parallel, tmp, browser, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().StringVar(&size, "size", "2GiB", "file size (B, KiB, MiB, GiB)")
	cmd.Flags().IntVar(&parallel, "parallel", 4, "parts uploaded at once")
	cmd.Flags().BoolVar(&browser, "browser", false, "also deliver the file from the portal in headless Chromium (Debian's chromium; the browser tests' Node)")
	cmd.Flags().StringVar(&tmp, "dir", "", "folder for the file, the server's data and the raw copy (default: the system's temp folder; /dev/shm takes the disk out)")
	return cmd
}

func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil || n <= 0 {
				break
			}
			return n * u.mult, nil
		}
	}
	return 0, fmt.Errorf("--size %q: want a number with B, KiB, MiB or GiB", s)
}

func mbps(n int64, d time.Duration) float64 { return round(float64(n) / (1 << 20) / d.Seconds()) }

func benchUpload(ctx context.Context, size int64, parallel int, tmp string, browser bool, progress io.Writer) (uploadResult, error) {
	res := uploadResult{Bytes: size, Parallel: parallel}
	dir, err := os.MkdirTemp(tmp, "openlot-bench-upload-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "feature.mxf")
	if err := writeRandom(src, size); err != nil {
		return res, err
	}

	// The server, as its own process, watched for memory.
	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(dir, "data")
	srv := exec.CommandContext(ctx, self, "serve", "--demo", "--addr", addr, "--data", data)
	out, _ := srv.StdoutPipe()
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		return res, err
	}
	stopServer := sync.OnceFunc(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	defer stopServer()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is serving") {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			return res, fmt.Errorf("the server stopped before serving")
		}
	case <-time.After(time.Minute):
		return res, fmt.Errorf("the server did not start within a minute")
	}
	var maxRSS atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			if kb := rssKB(srv.Process.Pid); kb > maxRSS.Load() {
				maxRSS.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	base := "http://" + addr
	c := &client{path: filepath.Join(dir, "credentials.json"), http: newHTTPClient(),
		creds: credentials{URL: base, TokenURL: base + "/oauth2/token", Client: "fp-juniper", Secret: "fp-juniper-secret"}}
	if err := c.login(ctx); err != nil {
		return res, err
	}
	var found httpapi.SearchOutputBody
	if err := c.call(ctx, http.MethodGet, "/v1/requests?sourceType=IMF&status=Open&limit=6&columns=id", nil, &found); err != nil {
		return res, err
	}
	want := 3
	var web *browserUpload
	if browser {
		want = 6
		if web, err = newBrowserUpload(ctx, base, dir, progress); err != nil {
			return res, err
		}
	}
	if len(found.Rows) < want {
		return res, fmt.Errorf("the demo has fewer than %d open IMF requests for juniper (one per delivery: a passed inspection processes its request)", want)
	}
	d := &deliverer{c: c, request: found.Rows[0].ID, metadata: map[string]string{}, parallel: parallel, out: io.Discard}

	// The baseline: the same bytes, raw, over loopback into a file, flushed
	// to disk. Raw copies and deliveries alternate, three rounds, and the
	// medians count. Each measurement starts with nothing left to write back,
	// the previous one's output removed and memory just freed: in a virtual
	// machine, a page the host must hand over anew costs many times one just
	// freed, and the order of the runs must not decide which side pays.
	rawCopyPath := filepath.Join(dir, "raw-copy")
	delivered := filepath.Join(data, "blobs", "objects", "deliveries")
	settle := func() error {
		os.Remove(rawCopyPath)
		if err := os.RemoveAll(delivered); err != nil {
			return err
		}
		syscall.Sync()
		recycle(size + size/4)
		return nil
	}
	var deliverRuns, uploadRuns, completeRuns, inspectRuns []float64
	var card *transferCard
	for r := range 3 {
		if err := settle(); err != nil {
			return res, err
		}
		took, err := rawCopy(ctx, src, rawCopyPath)
		if err != nil {
			return res, err
		}
		res.RawRuns = append(res.RawRuns, mbps(size, took))
		if err := settle(); err != nil {
			return res, err
		}
		d.request = found.Rows[r].ID
		fmt.Fprintf(progress, "round %d: raw %.0f MB/s; delivering %d bytes to request %s\n", r+1, res.RawRuns[r], size, d.request)
		start := time.Now()
		if card, err = d.run(ctx, []string{src}); err != nil {
			return res, err
		}
		total := time.Since(start)
		// Inspection (for an IMF request: the package check, which a single file of random bytes fails at once) runs now;
		// the next measurement waits for it, and its time is reported.
		inspected := time.Now()
		for card.Status == "PENDING_INSPECTION" {
			time.Sleep(20 * time.Millisecond)
			if err := c.call(ctx, http.MethodGet, "/v1/transfers/"+card.ID, nil, card); err != nil {
				return res, err
			}
		}
		inspectRuns = append(inspectRuns, round(time.Since(inspected).Seconds()))
		deliverRuns = append(deliverRuns, mbps(size, total))
		uploadRuns = append(uploadRuns, mbps(size, total-d.completeTook))
		completeRuns = append(completeRuns, round(d.completeTook.Seconds()))
		if web != nil {
			if err := settle(); err != nil {
				return res, err
			}
			request := found.Rows[3+r].ID
			fmt.Fprintf(progress, "round %d: deliver %.0f MB/s; the browser delivers to request %s\n", r+1, deliverRuns[r], request)
			took, err := web.deliver(ctx, request, src, progress)
			if err != nil {
				return res, err
			}
			res.BrowserRuns = append(res.BrowserRuns, mbps(size, took))
			if err := waitInspected(ctx, c, request); err != nil {
				return res, err
			}
		}
	}
	if web != nil {
		res.BrowserMBps = median(res.BrowserRuns)
		res.BrowserRatio = round(res.BrowserMBps / median(deliverRuns))
	}
	close(stop)
	res.DeliverRuns = deliverRuns
	res.RawMBps = median(res.RawRuns)
	res.DeliverMBps = median(deliverRuns)
	res.UploadMBps = median(uploadRuns)
	res.CompleteS = median(completeRuns)
	res.InspectS = median(inspectRuns)
	res.Ratio = round(res.DeliverMBps / res.RawMBps)
	res.ServerMaxRSS = round(float64(maxRSS.Load()) / 1024)
	res.TransferState = string(card.Status)
	res.ErrorCode = card.ErrorCode
	return res, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// recycle touches n bytes of fresh memory and gives it back, so that the
// measurement that follows writes into pages the machine has just freed.
func recycle(n int64) {
	b, err := syscall.Mmap(-1, 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return
	}
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	syscall.Munmap(b)
}

// writeRandom writes size pseudo-random bytes (incompressible enough for a
// transfer benchmark) to path.
func writeRandom(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 4<<20)
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	for left := size; left > 0; {
		rng.Read(buf)
		n := min(left, int64(len(buf)))
		if _, err := f.Write(buf[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	return f.Close()
}

// rawCopy PUTs src over loopback to a handler that writes it to dst, and
// returns how long that took.
func rawCopy(ctx context.Context, src, dst string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Create(dst)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, err = io.CopyBuffer(f, r.Body, make([]byte, 1<<20))
		if err == nil {
			err = f.Sync()
		}
		f.Close()
		if err != nil {
			http.Error(w, err.Error(), 500)
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+ln.Addr().String()+"/raw", f)
	resp, err := newHTTPClient().Do(req) // the same 1 MiB buffers the deliver client has
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("raw copy: %s", resp.Status)
	}
	return time.Since(start), nil
}

// rssKB reads a process's resident memory (Linux), 0 when unknown.
func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
