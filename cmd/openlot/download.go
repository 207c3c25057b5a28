package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/openlot/openlot/shared/httpapi"
)

// A material and a download's start are the API's own types (httpapi).
type (
	materialItem  = httpapi.MaterialJSON
	downloadStart = httpapi.DownloadStartJSON
)

func downloadCmd(cfg *string) *cobra.Command {
	var request, material, assetType, out string
	var wait time.Duration
	var quiet bool
	cmd := &cobra.Command{
		Use:   "download (--request ID [--asset-type T] | --material ID) [--out DIR]",
		Short: "Download the newest version of a request's materials: resumable, verified, reported complete",
		Long: "Downloads the newest version of every material of the request's title (or of one asset type, or one " +
			"material) into --out, each file under <title>/<asset type>/. A partial file left by an earlier run is " +
			"resumed with a ranged GET; every file is checked against its SHA-256, and the server is told the download " +
			"completed. Proxy videos come watermarked for you: when one must be made first (PROCESSING), --wait waits " +
			"for it; otherwise run the command again after the email says it is ready.",
		Example: "  openlot download --request 01a0… --out ./materials\n  openlot download --request 01a0… --asset-type \"Proxy Video\" --wait 10m",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadClient(*cfg)
			if err != nil {
				return err
			}
			if (request == "") == (material == "") {
				return errors.New("name a request (--request ID) or one material (--material ID)")
			}
			var progress io.Writer = cmd.ErrOrStderr()
			if quiet {
				progress = io.Discard
			}
			d := &downloader{c: c, out: out, progress: progress, wait: wait, say: cmd.OutOrStdout()}
			items, err := d.items(cmd.Context(), request, material, assetType)
			if err != nil {
				return err
			}
			if len(items) == 0 {
				return errors.New("nothing to download: no materials of that kind yet")
			}
			return d.run(cmd.Context(), items)
		},
	}
	cmd.Flags().StringVar(&request, "request", "", "request ID: its title's materials")
	cmd.Flags().StringVar(&material, "material", "", "one material ID (movie.ASSET_TYPE[.variant].vN)")
	cmd.Flags().StringVar(&assetType, "asset-type", "", "with --request: only this asset type (code or name)")
	cmd.Flags().StringVar(&out, "out", ".", "folder to download into")
	cmd.Flags().DurationVar(&wait, "wait", 0, "wait this long for proxies being made (PROCESSING); 0 does not wait")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bars")
	return cmd
}

type downloader struct {
	c        *client
	out      string
	progress io.Writer
	say      io.Writer
	wait     time.Duration
}

func (d *downloader) items(ctx context.Context, request, material, assetType string) ([]materialItem, error) {
	if material != "" {
		var h httpapi.VersionsOutputBody
		if err := d.c.call(ctx, http.MethodGet, "/v1/materials/"+url.PathEscape(material)+"/history", nil, &h); err != nil {
			return nil, err
		}
		for _, v := range h.Versions {
			if v.ID == material {
				return []materialItem{v}, nil
			}
		}
		return nil, fmt.Errorf("material %s not found", material)
	}
	q := url.Values{"requests": {request}}
	if assetType != "" {
		q.Set("assetType", assetType)
	}
	var list httpapi.MaterialsOutputBody
	if err := d.c.call(ctx, http.MethodGet, "/v1/materials?"+q.Encode(), nil, &list); err != nil {
		return nil, err
	}
	var out []materialItem
	for _, g := range list.AssetTypes {
		out = append(out, g.Materials...)
	}
	return out, nil
}

// safeName keeps a path segment to letters, digits and a few marks.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r < 32 {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}

func (d *downloader) run(ctx context.Context, items []materialItem) error {
	bars := mpb.NewWithContext(ctx, mpb.WithOutput(d.progress), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	var failed []string
	for _, it := range items {
		path, err := d.one(ctx, bars, it)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", it.ID, err))
			continue
		}
		if path != "" {
			fmt.Fprintf(d.say, "downloaded %s → %s\n", it.ID, path)
		}
	}
	bars.Wait()
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

// one downloads one material: asks for it (waiting for a proxy being made
// when told to), resumes a partial file, verifies, and reports completion.
func (d *downloader) one(ctx context.Context, bars *mpb.Progress, it materialItem) (string, error) {
	var st downloadStart
	deadline := time.Now().Add(d.wait)
	for {
		if err := d.c.call(ctx, http.MethodPost, "/v1/materials/"+url.PathEscape(it.ID)+"/downloads", nil, &st); err != nil {
			return "", err
		}
		if st.Status != "PROCESSING" {
			break
		}
		if d.wait <= 0 || time.Now().After(deadline) {
			fmt.Fprintf(d.say, "%s: PROCESSING (a watermarked proxy is being made for you; run again when the email says it is ready, or use --wait)\n", it.ID)
			return "", nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	name := it.FileName
	if st.Download.Code != "" {
		name = strings.TrimSuffix(name, filepath.Ext(name)) + "_" + st.Download.Code + ".mp4"
	}
	title := it.Title
	if title == "" { // a material named alone (its history carries no title)
		title = fmt.Sprint(it.MovieID)
	}
	dir := filepath.Join(d.out, safeName(title), safeName(it.AssetType+map[bool]string{true: "_" + it.Variant}[it.Variant != ""]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, safeName(name))
	bar := bars.AddBar(st.Download.Size, mpb.PrependDecorators(decor.Name(truncateName(name, 28), decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f"), decor.Name(" "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")))
	sum, err := fetch(ctx, st.URL, st.Header, path, st.Download.Size, bar)
	if err != nil {
		bar.Abort(false)
		return "", err
	}
	if sum != st.Download.SHA256 {
		os.Remove(path + ".part")
		return "", fmt.Errorf("the file's SHA-256 is %s, not %s; the partial file was removed, run again", sum, st.Download.SHA256)
	}
	if err := d.c.call(ctx, http.MethodPost, "/v1/downloads/"+st.Download.ID+"/complete", httpapi.CompleteDownloadRequest{SHA256: sum}, &httpapi.DownloadJSON{}); err != nil {
		return "", err
	}
	return path, os.Rename(path+".part", path)
}

// fetch downloads url into path+".part", resuming what a partial file
// holds with a ranged GET, and returns the SHA-256 of the whole file.
func fetch(ctx context.Context, u string, hdr map[string]string, path string, size int64, bar *mpb.Bar) (string, error) {
	f, err := os.OpenFile(path+".part", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	have, err := io.Copy(h, f) // hash what is already there (and find its end)
	if err != nil {
		return "", err
	}
	if have > size {
		if err := f.Truncate(0); err != nil {
			return "", err
		}
		h.Reset()
		have = 0
		f.Seek(0, io.SeekStart)
	}
	bar.SetCurrent(have)
	if have < size {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return "", err
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if have > 0 {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
		}
		res, err := newHTTPClient().Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		switch {
		case have > 0 && res.StatusCode == http.StatusPartialContent:
		case res.StatusCode == http.StatusOK: // the whole file (a server that ignores ranges): start over
			if err := f.Truncate(0); err != nil {
				return "", err
			}
			f.Seek(0, io.SeekStart)
			h.Reset()
			bar.SetCurrent(0)
		default:
			b, _ := io.ReadAll(io.LimitReader(res.Body, 300))
			return "", fmt.Errorf("download: %s %s", res.Status, b)
		}
		if _, err := io.Copy(io.MultiWriter(f, h), bar.ProxyReader(res.Body)); err != nil {
			return "", fmt.Errorf("download stopped (run again to resume): %w", err)
		}
	}
	bar.SetTotal(size, true)
	return hex.EncodeToString(h.Sum(nil)), nil
}
