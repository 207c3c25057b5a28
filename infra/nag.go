package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// The findings of cdk-nag's AwsSolutions pack (run by TestAwsSolutionsChecks)
// that the stack keeps on purpose, each with why. Every other finding is
// fixed in the stack.

// suppress records on c (and its children) that rule id does not apply,
// because of reason; appliesTo narrows it to those findings of the rule
// (e.g. "Resource::*", or {"regex": ...}).
func suppress(c constructs.IConstruct, id, reason string, appliesTo ...any) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		s.AppliesTo = &appliesTo
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// Reasons shared by several resources.
const (
	reasonXRay = "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource ARN (IAM allows only *); " +
		"the role holds nothing else on *."
	reasonPrefixes = "Object rights are scoped to the key prefixes this function uses (access.go: deliveries/, materials/, " +
		"materials/uploads/, proxies/, access/); object keys under a prefix are made per request, so the prefix ends in *."
)

// suppressFunctionFindings covers a function's own role: X-Ray on *, and
// its object rights under key prefixes.
func suppressFunctionFindings(role constructs.IConstruct) {
	suppress(role, "AwsSolutions-IAM5", reasonXRay, "Resource::*")
	suppress(role, "AwsSolutions-IAM5", reasonPrefixes, map[string]any{"regex": `/^Resource::<(Files|AccessLogs)[0-9A-F]{8}\.Arn>\/[a-z\/]+\*$/g`})
}

// suppressFlowFindings covers a state machine.
func suppressFlowFindings(m awsstepfunctions.StateMachine) {
	suppress(m, "AwsSolutions-SF1", "The flows log at ERROR level on purpose (issue 19): ALL would write every state transition of every "+
		"inspection and proxy segment to CloudWatch Logs at a cost, while Step Functions keeps each execution's full event "+
		"history for 90 days and X-Ray traces every execution; errors are what an operator is alerted to.")
	suppress(m.Role(), "AwsSolutions-IAM5", "CDK's grantInvoke adds <function ARN>:* so the machine may invoke the step "+
		"function's versions and aliases; the functions are exactly this flow's steps.",
		map[string]any{"regex": `/^Resource::<Step[A-Za-z]+[0-9A-F]{8}\.Arn>:\*$/g`})
	suppress(m.Role(), "AwsSolutions-IAM5", "CloudWatch Logs delivery (CreateLogDelivery, PutResourcePolicy, DescribeLogGroups …) and "+
		"X-Ray take no resource ARN; Step Functions documents * for both.", "Resource::*")
}

// suppressStackFindings covers the resources that are not a function's or
// a flow's.
func suppressStackFindings(stack awscdk.Stack, u users, publicRoutes []apigw.HttpRoute) {
	for _, r := range publicRoutes {
		suppress(r, "AwsSolutions-APIG4", "Public on purpose: GET /, /{proxy+} and /openapi.json serve the portal's pages, assets, "+
			"/config.json and the API document, which a browser loads before anyone signs in; they hold no data. "+
			"Every /v1 route has the Cognito JWT authorizer, and the function answers /v1 paths reaching /{proxy+} with not_found.")
	}
	suppress(u.pool, "AwsSolutions-COG2", "MFA is not required yet: openlot's users are partner staff signing in through the "+
		"hosted UI, and requiring a second factor is a deployment's decision (a follow-up can make it a context option); "+
		"passwords are 12+ characters with every character class, self sign-up is off and accounts are created by administrators.")
	suppress(u.pool, "AwsSolutions-COG8", "The Cognito Plus feature plan (threat protection) is billed per monthly active user; "+
		"a deployment that wants it can switch the plan. Self sign-up is off and accounts are created by administrators.")
	handler := stack.Node().TryFindChild(jsii.String("BucketNotificationsHandler050a0587b7544547bf325f094a3db834"))
	if handler != nil {
		suppress(handler, "AwsSolutions-IAM4", "CDK's own bucket-notification helper (a singleton Lambda that sets the bucket's "+
			"notifications at deploy time) uses AWSLambdaBasicExecutionRole; its only other right is s3:PutBucketNotification.",
			"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
		suppress(handler, "AwsSolutions-IAM5", "CDK's bucket-notification helper's PutBucketNotification takes *: it is CDK's code, "+
			"run once per deployment.", "Resource::*")
	}
}
