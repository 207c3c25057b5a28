package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
)

type benchAuthResult struct {
	Guards      bool    `json:"guards"`
	Guessers    int     `json:"guessers"`
	Callers     int     `json:"callers"`
	QuietP50    float64 `json:"quiet_p50_ms"`
	QuietP99    float64 `json:"quiet_p99_ms"`
	LoadedP50   float64 `json:"loaded_p50_ms"`
	LoadedP99   float64 `json:"loaded_p99_ms"`
	Calls       int     `json:"calls_under_load"`
	Guesses     int64   `json:"guesses"`
	GuessesPerS float64 `json:"guesses_per_s"`
	Refused429  int64   `json:"guesses_refused_429"`
	Checked401  int64   `json:"guesses_checked_401"`
	Accepted    int64   `json:"guesses_accepted"` // guesses answered with a token: must be 0
}

func benchAuthCmd() *cobra.Command {
	var guessers, callers int
	var quiet, loaded time.Duration
	var unguarded bool
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Time other callers of the API while goroutines guess client secrets at the token endpoint",
		Long: "Starts the local server in a temporary data folder with one machine client, measures the latency of " +
			"API calls (GET /v1/requests?limit=1 with a valid token, from 127.0.0.1) alone, then again while --guessers " +
			"goroutines post wrong client secrets to /oauth2/token from 127.0.0.2 as fast as they are answered, and " +
			"prints one JSON line. --unguarded turns the rate limits, the lockout and the bcrypt bound off, as before " +
			"they existed, to compare.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := benchAuth(cmd.Context(), guessers, callers, quiet, loaded, unguarded)
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().IntVar(&guessers, "guessers", 16, "goroutines guessing client secrets")
	cmd.Flags().IntVar(&callers, "callers", 2, "goroutines calling the API meanwhile")
	cmd.Flags().DurationVar(&quiet, "quiet", 3*time.Second, "how long to time the callers alone")
	cmd.Flags().DurationVar(&loaded, "loaded", 10*time.Second, "how long to time the callers under guessing")
	cmd.Flags().BoolVar(&unguarded, "unguarded", false, "turn the guards off (what openlot did before them)")
	return cmd
}

func benchAuth(ctx context.Context, guessers, callers int, quiet, loaded time.Duration, unguarded bool) (*benchAuthResult, error) {
	dir, err := os.MkdirTemp("", "openlot-bench-auth-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := app.LocalConfig{Addr: "127.0.0.1:0", DataDir: dir, Log: slog.New(slog.DiscardHandler), DigestEvery: -1, RatePerSecond: 1e6, Burst: 1e6}
	if unguarded {
		cfg.AuthLimits = &oauth.Unguarded
	}
	srv := app.NewLocal(cfg)
	if err := srv.Open(ctx); err != nil {
		return nil, err
	}
	defer srv.Close()
	if err := srv.Store.PutPartner(ctx, &lot.Partner{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}); err != nil {
		return nil, err
	}
	hash, err := oauth.HashSecret("bench-secret")
	if err != nil {
		return nil, err
	}
	if err := srv.Store.PutClient(ctx, &lot.Client{ID: "bench-fp", SecretHash: hash, Name: "bench", Role: lot.RoleFP, Partner: "juniper"}); err != nil {
		return nil, err
	}
	tok, _, err := srv.Issuer.Issue(lot.Principal{Subject: "bench-fp", Name: "bench", Role: lot.RoleFP, Partner: "juniper"})
	if err != nil {
		return nil, err
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	call := func() (time.Duration, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/requests?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("API call: status %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	timeCalls := func(d time.Duration) ([]time.Duration, error) {
		var mu sync.Mutex
		var ms []time.Duration
		var first error
		var wg sync.WaitGroup
		end := time.Now().Add(d)
		for range callers {
			wg.Go(func() {
				for time.Now().Before(end) {
					took, err := call()
					mu.Lock()
					if err != nil && first == nil {
						first = err
					}
					ms = append(ms, took)
					mu.Unlock()
					if err != nil {
						return
					}
				}
			})
		}
		wg.Wait()
		return ms, first
	}
	for range 20 { // warm up
		if _, err := call(); err != nil {
			return nil, err
		}
	}
	quietMS, err := timeCalls(quiet)
	if err != nil {
		return nil, err
	}

	// The guessers come from another loopback address, as an attacker would.
	guessing := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	var guesses, refused, checked, accepted atomic.Int64
	stop := make(chan struct{})
	var gwg sync.WaitGroup
	for g := range guessers {
		gwg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"bench-fp"}, "client_secret": {fmt.Sprintf("guess-%d-%d", g, n)}}
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := guessing.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				guesses.Add(1)
				switch resp.StatusCode {
				case http.StatusTooManyRequests:
					refused.Add(1)
				case http.StatusUnauthorized:
					checked.Add(1)
				case http.StatusOK:
					accepted.Add(1)
				}
			}
		})
	}
	time.Sleep(500 * time.Millisecond) // let the guessing reach its pace
	g0 := guesses.Load()
	t0 := time.Now()
	loadedMS, err := timeCalls(loaded)
	rate := float64(guesses.Load()-g0) / time.Since(t0).Seconds()
	close(stop)
	gwg.Wait()
	if err != nil {
		return nil, err
	}
	return &benchAuthResult{Guards: !unguarded, Guessers: guessers, Callers: callers,
		QuietP50: pct(quietMS, 50), QuietP99: pct(quietMS, 99), LoadedP50: pct(loadedMS, 50), LoadedP99: pct(loadedMS, 99),
		Calls: len(loadedMS), Guesses: guesses.Load(), GuessesPerS: round(rate), Refused429: refused.Load(), Checked401: checked.Load(),
		Accepted: accepted.Load()}, nil
}
