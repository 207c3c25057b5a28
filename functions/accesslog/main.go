// Command accesslog receives the access-log bucket's object-created events
// and adds the bytes each tagged download URL sent (S3 server access logs)
// to its download, which completes when every byte reached the client.
// Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/awsapp"

func main() {
	awsapp.Start("accesslog", func(c *awsapp.Cloud) (any, error) { return handler(c), nil })
}
