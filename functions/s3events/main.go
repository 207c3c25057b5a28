// Command s3events receives the file bucket's object-created events and
// completes a delivery whose client uploaded every part but died before
// calling complete. Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/app"

func main() { app.Start("s3events", func(c *app.Cloud) (any, error) { return app.S3Events(c), nil }) }
