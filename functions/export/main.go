// Command export answers POST /v1/requests/export (XLSX or CSV) as a Lambda
// function behind API Gateway (HTTP API, payload 2.0, Cognito JWT
// authorizer). It is the api function's handler with the Excel workbook
// writer, apart so that the api links no excelize. Build it as `bootstrap`
// with -tags lambda.norpc for the provided.al2023 runtime.
package main

import "github.com/openlot/openlot/shared/awsapp"

func main() {
	awsapp.Start("export", func(c *awsapp.Cloud) (any, error) { return handler(c), nil })
}
