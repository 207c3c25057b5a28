// Command api is the openlot HTTP API as a Lambda function behind API Gateway
// (HTTP API, payload 2.0, Cognito JWT authorizer). Build it as `bootstrap`
// with -tags lambda.norpc for the provided.al2023 runtime.
package main

import "github.com/openlot/openlot/shared/awsapp"

func main() {
	awsapp.Start("api", func(c *awsapp.Cloud) (any, error) { return handler(c), nil })
}
