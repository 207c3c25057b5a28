// Command s3events receives the file bucket's object-created events and
// completes a delivery whose client uploaded every part but died before
// calling complete. Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/awsapp"

func main() {
	awsapp.Start("s3events", func(c *awsapp.Cloud) (any, error) { return handler(c), nil })
}
