package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal/steps"
)

// WatermarkFlow is the name of the flow that makes a watermarked proxy:
// on demand for one user, or in advance for a title's pool.
const WatermarkFlow = "watermark"

// Proxy geometry and segmenting.
const (
	ProxyWidth  = 640
	ProxyHeight = 360
	// MaxProxySegments bounds the Map's items (and Lambdas at once on AWS).
	MaxProxySegments = 16
)

// ProxyInput starts the watermark flow for one proxy.
type ProxyInput struct {
	Proxy string `json:"proxy"`
}

type proxyPlan struct {
	Skip     bool           `json:"skip"`
	Segments []proxySegment `json:"segments"`
}

type proxySegment struct {
	Proxy   string  `json:"proxy"`
	N       int     `json:"n"`
	From    float64 `json:"from"`
	Seconds float64 `json:"seconds"` // 0: to the end
}

type segmentOut struct {
	Key string `json:"key"`
}

type finishIn struct {
	Proxy    string       `json:"proxy"`
	Segments []segmentOut `json:"segments"`
}

type proxyFaultIn struct {
	Proxy string `json:"proxy"`
	Fault struct {
		Error string `json:"Error"`
		Cause string `json:"Cause"`
	} `json:"fault"`
}

// ProxyFlow makes one watermarked proxy: plan segments from the source's
// length, render them at once (inline Map; Lambdas in parallel on AWS),
// then join, store, mark ready and tell the user.
func ProxyFlow() flow.Definition {
	return flow.Definition{
		Comment: "openlot watermarked proxy: segments rendered in parallel with the recipient's watermark, joined, stored, announced",
		StartAt: "Plan",
		States: []flow.State{
			{Name: "Plan", Kind: flow.Task, Step: steps.ProxyPlan, ResultPath: "$.plan", Next: "Go", Retry: retryInternal, Catch: catchAll},
			{Name: "Go", Kind: flow.Choice, Default: "Render", Choices: []flow.Rule{
				{Variable: "$.plan.skip", BooleanEquals: flow.B(true), Next: "Done"}}},
			{Name: "Render", Kind: flow.Map, ItemsPath: "$.plan.segments", MaxConcurrency: MaxProxySegments, ResultPath: "$.segments",
				Next: "Finish", Catch: catchAll, Iterator: &flow.Definition{StartAt: "Segment", States: []flow.State{
					{Name: "Segment", Kind: flow.Task, Step: steps.ProxySegment, End: true, Retry: retryInternal, TimeoutSeconds: 900}}}},
			{Name: "Finish", Kind: flow.Task, Step: steps.ProxyFinish, ResultPath: flow.Discard, Next: "Done", Retry: retryInternal,
				Catch: catchAll, TimeoutSeconds: 900},
			{Name: "Done", Kind: flow.Succeed},
			{Name: "Fault", Kind: flow.Task, Step: steps.ProxyFault, ResultPath: flow.Discard, Next: "Failed", Retry: retryInternal},
			{Name: "Failed", Kind: flow.Fail, Error: "openlot.ProxyFault", Cause: "the proxy could not be made; it is marked failed and may be asked for again"},
		},
	}
}

// ProxySteps binds the watermark flow's steps to these use cases.
func (s *Library) ProxySteps() flow.Steps {
	return flow.Steps{
		steps.ProxyPlan:    flow.Typed(s.proxyPlan),
		steps.ProxySegment: flow.Typed(s.proxySegment),
		steps.ProxyFinish:  flow.Typed(s.proxyFinish),
		steps.ProxyFault:   flow.Typed(s.proxyFault),
	}
}

// codeAlphabet is Crockford's base32 without I, L, O, U: codes read aloud
// or off a frame are not misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// watermarkCode is a fresh 8-character code (40 bits) burned into a proxy
// and recorded with its downloads, so a leaked copy names its recipient.
func (s *Library) watermarkCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// startWatermark starts the watermark flow for px (execution name = proxy
// ID + attempt, so a repeated start is a no-op). A start that fails marks
// the proxy Failed, so asking again tries anew.
func (s *Library) startWatermark(ctx context.Context, px *lot.Proxy) {
	name := fmt.Sprintf("%s-%d", px.ID, px.Attempt)
	flowName := WatermarkFlow
	if px.User == "" && s.PoolFlow != "" {
		flowName = s.PoolFlow
	}
	err := s.Flows.Start(ctx, flowName, name, ProxyInput{Proxy: px.ID})
	if err == nil {
		return
	}
	s.Log.ErrorContext(ctx, "start watermark flow", "proxy", px.ID, "err", err)
	s.failProxy(context.WithoutCancel(ctx), px.ID, px.Attempt, "the proxy could not be started; ask again")
	px.State = lot.ProxyFailed
}

func (s *Library) failProxy(ctx context.Context, id string, attempt int, why string) {
	if _, err := s.Store.UpdateProxy(ctx, id, func(p *lot.Proxy) (bool, error) {
		if p.State != lot.ProxyProcessing || attempt != 0 && p.Attempt != attempt {
			return false, nil
		}
		p.State, p.Error = lot.ProxyFailed, why
		return true, nil
	}); err != nil {
		s.Log.ErrorContext(ctx, "mark proxy failed", "proxy", id, "err", err)
	}
}

// FillPool makes n proxies of a proxy-video material in advance, each with
// its own code, for partners to take without waiting.
func (s *Library) FillPool(ctx context.Context, m *lot.Material, n int) error {
	if s.Flows == nil || n <= 0 {
		return nil
	}
	existing, err := s.Store.ListProxies(ctx, m.ID)
	if err != nil {
		return err
	}
	next := 1
	for _, px := range existing {
		var k int
		if _, err := fmt.Sscanf(strings.TrimPrefix(px.ID, m.ID+".p"), "%d", &k); err == nil && k >= next {
			next = k + 1
		}
	}
	for i := range n {
		px := &lot.Proxy{ID: lot.PooledProxyID(m.ID, next+i), MaterialID: m.ID, MovieID: m.MovieID, State: lot.ProxyProcessing,
			Code: s.watermarkCode(), Attempt: 1, CreatedAt: s.Clock.Now().UTC()}
		if err := s.Store.CreateProxy(ctx, px); err != nil {
			return err
		}
		s.startWatermark(ctx, px)
	}
	return nil
}

// EmptyPool removes the proxies of a material's pool nobody has taken (a
// studio operator's switch: revoke a batch, or show proxies made on demand).
func (s *Library) EmptyPool(ctx context.Context, p lot.Principal, id string) (int, error) {
	if p.Role != lot.RoleStudio {
		return 0, lot.Errorf(lot.CodeForbidden, "only studio operators empty proxy pools")
	}
	m, err := s.material(ctx, p, id)
	if err != nil {
		return 0, err
	}
	if !m.AssetType.Watermarked() {
		return 0, lot.Errorf(lot.CodeInvalid, "only proxy videos have a pool")
	}
	list, err := s.Store.ListProxies(ctx, m.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, px := range list {
		if px.User != "" || px.State == lot.ProxyFailed {
			continue
		}
		_, err := s.Store.UpdateProxy(ctx, px.ID, func(px *lot.Proxy) (bool, error) {
			if px.State != lot.ProxyPooled && px.State != lot.ProxyProcessing || px.User != "" {
				return false, errTaken
			}
			px.State, px.Error = lot.ProxyFailed, "removed from the pool"
			return true, nil
		})
		if err == nil {
			n++
		} else if !errors.Is(err, errTaken) && !lot.IsCode(err, lot.CodeConflict) {
			return n, err
		}
	}
	return n, nil
}

// proxyStep turns a platform failure into the flow error the flow retries.
func (s *Library) proxyStep(ctx context.Context, step, proxy string, err error) error {
	var fe *flow.Error
	if errors.As(err, &fe) {
		return err
	}
	s.Log.ErrorContext(ctx, "proxy step failed", "step", step, "proxy", proxy, "err", err)
	return &flow.Error{Name: errInternal, Cause: step + " could not finish; it is tried again"}
}

// proxySource loads a proxy being made and a signed URL of its source.
func (s *Library) proxySource(ctx context.Context, id string) (*lot.Proxy, *lot.Material, string, error) {
	px, err := s.Store.GetProxy(ctx, id)
	if err != nil {
		return nil, nil, "", err
	}
	m, err := s.Store.GetMaterial(ctx, px.MaterialID)
	if err != nil {
		return nil, nil, "", err
	}
	u, err := s.Blobs.PresignGet(ctx, m.Key, lot.GetOptions{Expires: 2 * time.Hour})
	return px, m, u.URL, err
}

func (s *Library) proxyPlan(ctx context.Context, in ProxyInput) (proxyPlan, error) {
	px, _, src, err := s.proxySource(ctx, in.Proxy)
	if err != nil {
		return proxyPlan{}, s.proxyStep(ctx, steps.ProxyPlan, in.Proxy, err)
	}
	if px.State != lot.ProxyProcessing {
		return proxyPlan{Skip: true}, nil
	}
	if s.Media == nil {
		return proxyPlan{}, s.proxyStep(ctx, steps.ProxyPlan, in.Proxy, errors.New("no media reader (ffprobe) configured"))
	}
	info, err := s.Media.Probe(ctx, src)
	if err != nil {
		return proxyPlan{}, s.proxyStep(ctx, steps.ProxyPlan, in.Proxy, err)
	}
	return proxyPlan{Segments: planSegments(px.ID, info.Duration, s.segmentSeconds())}, nil
}

func (s *Library) segmentSeconds() float64 {
	if s.ProxySegmentSeconds > 0 {
		return s.ProxySegmentSeconds
	}
	return 300
}

// SegmentCount is how many segments a source of duration seconds is cut
// into at about every seconds each (at most MaxProxySegments).
func SegmentCount(duration, every float64) int {
	if duration <= every {
		return 1
	}
	return min(MaxProxySegments, int(math.Ceil(duration/every)))
}

// planSegments cuts a source of duration seconds into segments of about
// every seconds (at most MaxProxySegments); the last one runs to the end.
func planSegments(proxy string, duration, every float64) []proxySegment {
	n := SegmentCount(duration, every)
	length := math.Ceil(duration/float64(n)*1000) / 1000
	out := make([]proxySegment, n)
	for i := range out {
		out[i] = proxySegment{Proxy: proxy, N: i + 1, From: float64(i) * length, Seconds: length}
	}
	out[n-1].Seconds = 0
	return out
}

func (s *Library) watermarkLines(ctx context.Context, px *lot.Proxy, m *lot.Material) []string {
	when := px.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")
	if px.User == "" {
		title := fmt.Sprint(m.MovieID)
		if t, err := s.Store.GetTitle(ctx, m.MovieID); err == nil {
			title = t.Name
		}
		return []string{"openlot · " + title, when + " · " + px.Code}
	}
	partner := px.Partner
	if p, err := s.Store.GetPartner(ctx, px.Partner); err == nil {
		partner = p.Name
	}
	who := firstNonEmpty(px.UserName, px.User)
	if strings.Contains(who, partner) { // "Juniper Post (robot)" names its facility already
		partner = ""
	}
	return []string{fitLine(strings.Join(slices.DeleteFunc([]string{"openlot", partner, who}, func(s string) bool { return s == "" }), " · ")),
		when + " · " + px.Code}
}

// watermarkRunes is how many characters of the mono font fit across a
// 640-pixel proxy; longer lines are cut with an ellipsis, never off the picture.
const watermarkRunes = 50

func fitLine(s string) string {
	r := []rune(s)
	if len(r) <= watermarkRunes {
		return s
	}
	return string(r[:watermarkRunes-1]) + "…"
}

func (s *Library) proxySegment(ctx context.Context, in proxySegment) (segmentOut, error) {
	fail := func(err error) (segmentOut, error) {
		return segmentOut{}, s.proxyStep(ctx, steps.ProxySegment, in.Proxy, err)
	}
	px, m, src, err := s.proxySource(ctx, in.Proxy)
	if err != nil {
		return fail(err)
	}
	maker, ok := s.Media.(lot.ProxyMaker)
	if !ok {
		return fail(errors.New("the media tools configured cannot make proxies"))
	}
	dir, err := os.MkdirTemp("", "openlot-segment-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "segment.ts")
	spec := lot.ProxySpec{Source: src, From: in.From, Seconds: in.Seconds, Width: ProxyWidth, Height: ProxyHeight,
		Watermark: s.watermarkLines(ctx, px, m), Code: px.Code}
	if err := maker.MakeProxy(ctx, spec, out); err != nil {
		return fail(err)
	}
	key := fmt.Sprintf("proxies/%s/%d/seg-%03d.ts", px.ID, px.Attempt, in.N)
	if _, _, err := s.StoreFile(ctx, key, out, "video/mp2t"); err != nil {
		return fail(err)
	}
	return segmentOut{Key: key}, nil
}

func (s *Library) proxyFinish(ctx context.Context, in finishIn) (struct{}, error) {
	fail := func(err error) (struct{}, error) {
		return struct{}{}, s.proxyStep(ctx, steps.ProxyFinish, in.Proxy, err)
	}
	px, err := s.Store.GetProxy(ctx, in.Proxy)
	if err != nil {
		return fail(err)
	}
	if px.State != lot.ProxyProcessing {
		return struct{}{}, nil // emptied from the pool meanwhile, or done by an earlier run of this step
	}
	maker, ok := s.Media.(lot.ProxyMaker)
	if !ok {
		return fail(errors.New("the media tools configured cannot make proxies"))
	}
	var urls []string
	for _, seg := range in.Segments {
		u, err := s.Blobs.PresignGet(ctx, seg.Key, lot.GetOptions{Expires: time.Hour})
		if err != nil {
			return fail(err)
		}
		urls = append(urls, u.URL)
	}
	dir, err := os.MkdirTemp("", "openlot-proxy-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "proxy.mp4")
	if err := maker.JoinProxy(ctx, urls, out); err != nil {
		return fail(err)
	}
	key := fmt.Sprintf("proxies/%s/%d/%s.mp4", px.ID, px.Attempt, px.Code)
	size, sum, err := s.StoreFile(ctx, key, out, "video/mp4")
	if err != nil {
		return fail(err)
	}
	now := s.Clock.Now().UTC()
	done, err := s.Store.UpdateProxy(ctx, px.ID, func(p *lot.Proxy) (bool, error) {
		if p.State != lot.ProxyProcessing {
			return false, nil
		}
		p.State, p.Key, p.Size, p.SHA256, p.ReadyAt, p.Error = lot.ProxyReady, key, size, sum, now, ""
		if p.User == "" {
			p.State = lot.ProxyPooled
		}
		return true, nil
	})
	if err != nil {
		return fail(err)
	}
	for _, seg := range in.Segments {
		if err := s.Blobs.Delete(ctx, seg.Key); err != nil {
			s.Log.WarnContext(ctx, "delete proxy segment", "key", seg.Key, "err", err)
		}
	}
	if done.State == lot.ProxyReady {
		s.notes.notifyProxyReady(ctx, done)
	}
	return struct{}{}, nil
}

func (s *Library) proxyFault(ctx context.Context, in proxyFaultIn) (struct{}, error) {
	s.Log.ErrorContext(ctx, "proxy could not be made", "proxy", in.Proxy, "error", in.Fault.Error, "cause", in.Fault.Cause)
	s.failProxy(ctx, in.Proxy, 0, "the proxy could not be made; ask again")
	return struct{}{}, nil
}

// StoreFile uploads a local file through a signed PUT URL (so the bytes go
// to storage as a client's would), hashing it on the way, and returns its
// size and hex SHA-256.
func (s *Library) StoreFile(ctx context.Context, key, path, contentType string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	u, err := s.Blobs.PresignPut(ctx, key, lot.PutOptions{ContentType: contentType, Expires: time.Hour})
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	req, err := http.NewRequestWithContext(ctx, u.Method, u.URL, io.TeeReader(f, h))
	if err != nil {
		return 0, "", err
	}
	req.ContentLength = st.Size()
	for k, v := range u.Header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 500))
		return 0, "", fmt.Errorf("upload %s: %s %s", key, res.Status, b)
	}
	return st.Size(), hex.EncodeToString(h.Sum(nil)), nil
}
