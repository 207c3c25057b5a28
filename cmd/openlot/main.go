// Command openlot runs the openlot portal locally (serve), talks to a running
// one as a machine client (login, search, export), and measures it (bench).
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "openlot:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "openlot",
		Short:         "openlot: source requests for the media supply chain",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cfg := root.PersistentFlags().String("credentials", defaultCredentialsPath(), "where login keeps the client's token")
	bench := benchCmd()
	bench.AddCommand(benchAuthCmd(), benchWebCmd())
	root.AddCommand(serveCmd(), bench, loginCmd(cfg), searchCmd(cfg), exportCmd(cfg), deliverCmd(cfg), downloadCmd(cfg), usersCmd())
	return root
}
