package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/lot"
)

// browserUpload runs deliveries from the portal's Delivery UI in headless
// Chromium (web/e2e/deliver-bench.mjs on the browser tests' Node).
type browserUpload struct {
	node, repo, chromium string
	url                  string
	person               demo.Person
	scratch              string
}

// newBrowserUpload finds Chromium, the repository and the browser tests'
// Node (installing their packages as make e2e does).
func newBrowserUpload(ctx context.Context, url, scratch string, progress io.Writer) (*browserUpload, error) {
	b := &browserUpload{url: url, scratch: scratch, chromium: cmp.Or(os.Getenv("OPENLOT_CHROMIUM"), "/usr/bin/chromium")}
	if _, err := os.Stat(b.chromium); err != nil {
		return nil, fmt.Errorf("no chromium at %s: install Debian's (apt-get install chromium) or set OPENLOT_CHROMIUM; no browser is downloaded", b.chromium)
	}
	var err error
	if b.repo, err = benchRepo(""); err != nil {
		return nil, err
	}
	if b.node, err = browserTestsNode(ctx, b.repo, progress); err != nil {
		return nil, err
	}
	for _, p := range demo.People {
		if p.Role == lot.RoleFP && p.Partner == "juniper" {
			b.person = p
		}
	}
	if b.person.Email == "" {
		return nil, errors.New("shared/demo has no person of juniper")
	}
	return b, nil
}

// deliver delivers path to request from the Delivery UI and returns the time
// from pressing Deliver until the card showed the transfer completed
// (Pending Inspection), as the page measured it.
func (b *browserUpload) deliver(ctx context.Context, request, path string, progress io.Writer) (time.Duration, error) {
	run := exec.CommandContext(ctx, b.node, filepath.Join(b.repo, "web", "e2e", "deliver-bench.mjs"), "--request", request, "--file", path)
	run.Dir = filepath.Join(b.repo, "web", "e2e")
	run.Env = append(os.Environ(), "OPENLOT_E2E_URL="+b.url, "OPENLOT_E2E_ARTIFACTS="+b.scratch, "OPENLOT_CHROMIUM="+b.chromium,
		"OPENLOT_E2E_USER="+b.person.Email, "OPENLOT_E2E_PASSWORD="+b.person.Password())
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, progress
	if err := run.Run(); err != nil {
		return 0, fmt.Errorf("web/e2e/deliver-bench.mjs: %w", err)
	}
	var r struct {
		Ms         float64  `json:"ms"`
		State      string   `json:"state"`
		Problem    string   `json:"problem"`
		Puts       int      `json:"puts"`
		PageErrors []string `json:"pageErrors"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return 0, fmt.Errorf("web/e2e/deliver-bench.mjs printed no result: %w: %s", err, out.Bytes())
	}
	if len(r.PageErrors) > 0 {
		return 0, fmt.Errorf("script errors in the page: %s", strings.Join(r.PageErrors, "; "))
	}
	if r.State != "Pending Inspection" && r.State != "Processed" {
		return 0, fmt.Errorf("the browser's delivery ended %q: %s", r.State, r.Problem)
	}
	return time.Duration(r.Ms * float64(time.Millisecond)), nil
}

// waitInspected waits until the newest transfer to request has left
// Pending Inspection, so that the next measurement runs alone.
func waitInspected(ctx context.Context, c *client, request string) error {
	for range 3000 {
		var cards httpapi.RequestTransfersResponse
		if err := c.call(ctx, http.MethodGet, "/v1/requests/"+request+"/transfers", nil, &cards); err != nil {
			return err
		}
		if len(cards.Transfers) > 0 && cards.Transfers[0].Status != "PENDING_INSPECTION" {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the browser's delivery to %s is still Pending Inspection after a minute", request)
}
