package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/search"
)

func serveCmd() *cobra.Command {
	cfg := app.LocalConfig{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run openlot in one process: API, embedded database and OAuth2 issuer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			srv := app.NewLocal(cfg)
			if err := srv.Open(ctx); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "openlot is serving %s (data in %s)\n", srv.URL, cfg.DataDir)
			fmt.Fprintf(out, "  API document: %s/openapi.json\n", srv.URL)
			if cfg.Demo {
				fmt.Fprintf(out, "  demo clients (client credentials at %s/oauth2/token):\n", srv.URL)
				for _, c := range demo.Clients {
					fmt.Fprintf(out, "    %-13s secret %-20s %s\n", c.ID, c.Secret(), c.Name)
				}
				fmt.Fprintf(out, "  try: curl -s -u fp-juniper:fp-juniper-secret -d grant_type=client_credentials %s/oauth2/token\n", srv.URL)
				fmt.Fprintf(out, "  demo people (sign in at %s/):\n", srv.URL)
				for _, p := range demo.People {
					fmt.Fprintf(out, "    %-24s password %-18s %s\n", p.Email, p.Password(), p.Name)
				}
			}
			fmt.Fprintf(out, "  sign-in: %s/.well-known/openid-configuration (client openlot-web; add people with openlot users add)\n", srv.URL)
			<-ctx.Done()
			fmt.Fprintln(out, "shutting down: finishing requests in flight")
			return srv.Close()
		},
	}
	cmd.Flags().StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&cfg.DataDir, "data", defaultDataDir(), "folder for the database and keys (kept across restarts)")
	cmd.Flags().BoolVar(&cfg.Demo, "demo", false, "seed demo data (once) and create the demo OAuth2 clients and demo people")
	cmd.Flags().StringSliceVar(&cfg.WebRedirectURIs, "web-redirect", nil, "where the portal (client openlot-web) receives sign-in codes (default: <URL>/auth/callback)")
	cmd.Flags().StringSliceVar(&cfg.WebLogoutURIs, "web-logout-redirect", nil, "where sign-out may send the portal back (default: <URL>/)")
	cmd.Flags().BoolVar(&cfg.DemoMaterials, "demo-materials", true, "with --demo: make every demo title's materials with ffmpeg at the first start")
	cmd.Flags().IntVar(&cfg.ProxyPool, "proxy-pool", 1, "watermarked proxies made in advance per proxy video (0: none; every proxy is then made on demand)")
	rules := cmd.Flags().String("bucket-rules", "2,7,10", "bucket thresholds in days: critical,atRisk,materials-missing")
	cmd.PreRunE = func(*cobra.Command, []string) (err error) {
		if cfg.ProxyPool == 0 {
			cfg.ProxyPool = -1 // the flag's 0 means none; the config's 0 means the default
		}
		cfg.Rules, err = search.ParseRules(*rules)
		return err
	}
	return cmd
}

func defaultDataDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return d + "/openlot/data"
	}
	return "openlot-data"
}
