package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

type proxyResult struct {
	SourceS        float64 `json:"source_s"`
	Segments       int     `json:"segments"`
	OpenlotS       float64 `json:"openlot_s"`
	PlainS         float64 `json:"plain_ffmpeg_s"`
	OpenlotX       float64 `json:"openlot_realtime_x"`
	PlainX         float64 `json:"plain_realtime_x"`
	Ratio          float64 `json:"ratio"`
	ProxyBytes     int64   `json:"proxy_bytes"`
	SegmentSeconds float64 `json:"segment_seconds"`
}

func benchProxyCmd() *cobra.Command {
	var seconds, segment float64
	var tmp string
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Time a watermarked 640x360 proxy made on demand, end to end, against one plain ffmpeg command",
		Long: "Makes --seconds of 1080p H.264 with ffmpeg (kept in --dir for the next run), adds it as a title's proxy " +
			"video in a local openlot with an empty pool, and times a partner's download request until the proxy is " +
			"ready: the watermark flow's plan, segments rendered at once, join, store. Then times one ffmpeg command " +
			"with the same settings over the same signed URL. Prints one JSON line; ratio = plain time / openlot time " +
			"(openlot's speed as a share of plain ffmpeg's).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := benchProxy(cmd.Context(), seconds, segment, tmp, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().Float64Var(&seconds, "seconds", 600, "length of the 1080p source")
	cmd.Flags().Float64Var(&segment, "segment", 0, "seconds per segment (0: openlot's default)")
	cmd.Flags().StringVar(&tmp, "dir", os.TempDir(), "folder for the source (kept) and the server's data (removed)")
	return cmd
}

func benchProxy(ctx context.Context, seconds, segment float64, tmp string, progress io.Writer) (proxyResult, error) {
	res := proxyResult{SourceS: seconds}
	if err := (ffmpeg.Media{}).Available(); err != nil {
		return res, err
	}
	src := filepath.Join(tmp, fmt.Sprintf("openlot-bench-proxy-source-%g.mp4", seconds))
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintf(progress, "making %g s of 1080p H.264 (kept as %s)\n", seconds, src)
		if err := ffmpegRun("-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=1920x1080:r=24:d=%g", seconds),
			"-f", "lavfi", "-i", fmt.Sprintf("sine=f=440:r=48000:d=%g", seconds), "-c:v", "libx264", "-preset", "ultrafast",
			"-pix_fmt", "yuv420p", "-g", "48", "-c:a", "aac", "-ac", "2", "-movflags", "+faststart", src+".tmp.mp4"); err != nil {
			return res, err
		}
		if err := os.Rename(src+".tmp.mp4", src); err != nil {
			return res, err
		}
	}
	data, err := os.MkdirTemp(tmp, "openlot-bench-proxy-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(data)
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: data, Demo: true, ProxyPool: -1,
		Log: slog.New(slog.DiscardHandler)})
	if err := l.Open(ctx); err != nil {
		return res, err
	}
	defer l.Close()
	if segment > 0 {
		l.Service.Deps.ProxySegmentSeconds = segment
	}
	res.SegmentSeconds = segment
	if res.SegmentSeconds == 0 {
		res.SegmentSeconds = 300
	}
	key := "materials/bench/source.mp4"
	size, sum, err := l.Service.Library.StoreFile(ctx, key, src, "video/mp4")
	if err != nil {
		return res, err
	}
	title := demo.Titles()[0]
	m := &lot.Material{ID: lot.MaterialID(title.MovieID, lot.AssetProxyVideo, "", 1), MovieID: title.MovieID,
		AssetType: lot.AssetProxyVideo, Version: 1, FileName: "source.mp4", Size: size, SHA256: sum, ContentType: "video/mp4",
		Key: key, DeliveredAt: time.Now().UTC(), AddedBy: "bench"}
	if err := l.Store.CreateMaterial(ctx, m); err != nil {
		return res, err
	}
	var who lot.Principal
	for _, c := range demo.Clients {
		p := lot.Principal{Subject: c.ID, Name: c.Name, Role: c.Role, Partner: c.Partner, Email: c.Email}
		if c.Role == lot.RoleFP {
			if _, err := l.Service.Library.MaterialHistory(ctx, p, m.ID); err == nil {
				who = p
				break
			}
		}
	}
	if who.Subject == "" {
		return res, errors.New("no demo partner has a request of the first title")
	}

	fmt.Fprintln(progress, "openlot: a partner asks; the proxy is made on demand")
	began := time.Now()
	st, err := l.Service.Library.StartDownload(ctx, who, m.ID)
	if err != nil {
		return res, err
	}
	if st.Proxy == nil {
		return res, errors.New("the pool was not empty")
	}
	for {
		px, err := l.Store.GetProxy(ctx, st.Proxy.ID)
		if err != nil {
			return res, err
		}
		if px.State == lot.ProxyReady {
			res.ProxyBytes = px.Size
			break
		}
		if px.State == lot.ProxyFailed {
			return res, fmt.Errorf("the proxy failed: %s", px.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res.OpenlotS = time.Since(began).Seconds()
	res.Segments = portal.SegmentCount(seconds, res.SegmentSeconds)

	fmt.Fprintln(progress, "plain ffmpeg: the same settings in one command")
	u, err := l.Blobs.PresignGet(ctx, key, lot.GetOptions{Expires: time.Hour})
	if err != nil {
		return res, err
	}
	wm, err := os.MkdirTemp(data, "plain-")
	if err != nil {
		return res, err
	}
	args, err := ffmpeg.ProxyArgs(lot.ProxySpec{Source: u.URL, Width: portal.ProxyWidth, Height: portal.ProxyHeight,
		Watermark: []string{"openlot · bench · plain", "2026-11-23 00:00 UTC · PLAIN000"}, Code: "PLAIN000"}, wm, filepath.Join(wm, "plain.mp4"))
	if err != nil {
		return res, err
	}
	began = time.Now()
	if err := ffmpegRun(args...); err != nil {
		return res, err
	}
	res.PlainS = time.Since(began).Seconds()
	res.OpenlotX, res.PlainX = round(seconds/res.OpenlotS), round(seconds/res.PlainS)
	res.Ratio = round(res.PlainS / res.OpenlotS)
	res.OpenlotS, res.PlainS = round(res.OpenlotS), round(res.PlainS)
	return res, nil
}
