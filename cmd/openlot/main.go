// Command openlot runs the openlot portal locally (serve) and, in later
// steps, talks to a running one as a client.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "openlot",
		Short:         "openlot: source requests for the media supply chain",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), benchCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "openlot:", err)
		os.Exit(1)
	}
}
