// Command accesslog receives the access-log bucket's object-created events
// and adds the bytes each tagged download URL sent (S3 server access logs)
// to its download, which completes when every byte reached the client.
// Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/app"

func main() {
	app.Start("accesslog", func(c *app.Cloud) (any, error) { return app.AccessLogs(c), nil })
}
