package portal

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/openlot/openlot/shared/lot"
)

// WatermarkFlow is the name of the flow that makes a watermarked proxy on demand.
const WatermarkFlow = "watermark"

// ProxyInput starts the watermark flow for one proxy.
type ProxyInput struct {
	Proxy string `json:"proxy"`
}

// codeAlphabet is Crockford's base32 without I, L, O, U: codes read aloud
// or off a frame are not misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// watermarkCode is a fresh 8-character code (40 bits) burned into a proxy
// and recorded with its downloads, so a leaked copy names its recipient.
func (s *Service) watermarkCode() string {
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
func (s *Service) startWatermark(ctx context.Context, px *lot.Proxy) {
	name := fmt.Sprintf("%s-%d", px.ID, px.Attempt)
	err := s.Flows.Start(ctx, WatermarkFlow, name, ProxyInput{Proxy: px.ID})
	if err == nil {
		return
	}
	s.log.ErrorContext(ctx, "start watermark flow", "proxy", px.ID, "err", err)
	if _, err := s.store.UpdateProxy(context.WithoutCancel(ctx), px.ID, func(p *lot.Proxy) (bool, error) {
		if p.State != lot.ProxyProcessing || p.Attempt != px.Attempt {
			return false, nil
		}
		p.State, p.Error = lot.ProxyFailed, "the proxy could not be started; ask again"
		px.State, px.Error = p.State, p.Error
		return true, nil
	}); err != nil {
		s.log.ErrorContext(ctx, "mark proxy failed", "proxy", px.ID, "err", err)
	}
}
