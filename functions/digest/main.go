// Command digest runs once a day (an EventBridge schedule) and mails each
// fulfillment-partner user the requests that turned Critical or At Risk.
// Build it as `bootstrap` with -tags lambda.norpc.
package main

import "github.com/openlot/openlot/shared/awsapp"

func main() {
	awsapp.Start("digest", func(c *awsapp.Cloud) (any, error) { return handler(c), nil })
}
