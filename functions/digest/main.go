// Command digest runs once a day (an EventBridge schedule) and mails each
// fulfillment-partner user the requests that turned Critical or At Risk.
// Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/app"

func main() { app.Start("digest", func(c *app.Cloud) (any, error) { return app.Digest(c), nil }) }
