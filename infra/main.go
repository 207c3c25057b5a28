// Command infra is the CDK app that deploys openlot to AWS. cdk.json at the
// repository root runs it; `make synth` runs it offline into cdk.out/.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	opts, err := OptionsFrom(app.Node())
	if err != nil {
		fmt.Fprintln(os.Stderr, "openlot infra:", err)
		os.Exit(2)
	}
	for _, fn := range []string{"api", "export", "s3events"} {
		if _, err := os.Stat(opts.AssetDir + "/" + fn + "/bootstrap"); err != nil {
			fmt.Fprintf(os.Stderr, "openlot infra: %s/%s/bootstrap is missing; run `make lambdas` (or `make synth`) first\n", opts.AssetDir, fn)
			os.Exit(2)
		}
	}
	NewStack(app, "Openlot", &awscdk.StackProps{
		Description: jsii.String("openlot: source requests for the media supply chain"),
	}, opts)
	app.Synth(nil)
}
