// Command steps is one step of a flow (inspection, QC outcome, watermarked
// proxy) as a Lambda function the state machine invokes directly: the
// state's input is the event, the step's result the answer, its named
// errors the errorType that Retry and Catch match. One binary serves every
// step; the stack deploys it once per step with OPENLOT_STEP naming it and,
// on the steps that read or make media, ffmpeg from a layer. Build it as
// `bootstrap` with -tags lambda.norpc.
package main

import (
	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/ffmpeg"
)

func main() {
	awsapp.Start("steps", func(c *awsapp.Cloud) (any, error) {
		c.Service.Deps.Media = ffmpeg.Media{FFprobe: c.Env(awsenv.FFprobe), FFmpeg: c.Env(awsenv.FFmpeg)}
		return handler(c, c.Env(awsenv.Step))
	})
}
