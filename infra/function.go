package main

import (
	"net/mail"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

// function is one Lambda function of the stack.
type function struct {
	name           string // construct ID: its logs, alarms and role are named after it
	asset          string // bin/lambda/<asset>/bootstrap, built by `make lambdas`
	description    string
	env            map[string]*string
	memoryMB       int
	timeoutSeconds int
	scratchMB      int                       // room in /tmp; 0: Lambda's own 512 MB
	layers         []awslambda.ILayerVersion // e.g. ffmpeg
}

// newFunction declares one Go function on arm64 provided.al2023 with JSON
// logs, least-privilege access to the table and bucket (only the calls
// shared/dynamo and shared/s3blob make), the right to send mail from the
// sender identity when there is one, and alarms on errors and throttles.
func newFunction(stack awscdk.Stack, o Options, st storage, f function) awslambda.Function {
	logs := awslogs.NewLogGroup(stack, jsii.String(f.name+"Logs"), &awslogs.LogGroupProps{
		Retention: retention[o.LogRetentionDays], RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	fn := awslambda.NewFunction(stack, jsii.String(f.name), &awslambda.FunctionProps{
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(o.AssetDir, f.asset)), nil),
		MemorySize:    jsii.Number(f.memoryMB),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(f.timeoutSeconds)),
		LoggingFormat: awslambda.LoggingFormat_JSON,
		LogGroup:      logs,
		Description:   jsii.String(f.description),
		Environment:   &f.env,
	})
	if len(f.layers) > 0 {
		fn.AddLayers(f.layers...)
	}
	if f.scratchMB > 0 {
		fn.Node().DefaultChild().(awslambda.CfnFunction).SetEphemeralStorage(
			&awslambda.CfnFunction_EphemeralStorageProperty{Size: jsii.Number(f.scratchMB)})
	}
	grantState(fn, st)
	if o.MailFrom != "" {
		grantMail(fn, o)
	}
	newAlarms(stack, fn, f)
	return fn
}

// grantState lets fn make the calls the adapters make on the table and
// the files bucket, and nothing else.
func grantState(fn awslambda.Function, st storage) {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableReadWrite"),
		Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"),
		Resources: jsii.Strings(*st.table.TableArn(), *st.table.TableArn()+"/index/*"),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("FilesReadWrite"), // presigned URLs act with these rights too
		Actions: jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
			"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
		Resources: jsii.Strings(*st.files.ArnForObjects(jsii.String("*"))),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("FilesList"), // without it, HEAD of a missing key answers 403 instead of 404
		Actions:   jsii.Strings("s3:ListBucket"),
		Resources: jsii.Strings(*st.files.BucketArn()),
	}))
}

// grantMail lets fn send notifications only from the sender identity (the
// address or its domain), through the configuration set.
func grantMail(fn awslambda.Function, o Options) {
	addr, _ := mail.ParseAddress(o.MailFrom) // OptionsFrom checked it
	domain := addr.Address[strings.LastIndex(addr.Address, "@")+1:]
	identity := func(what string) string {
		return *awscdk.Stack_Of(fn).FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String(what)})
	}
	resources := []string{identity("identity/" + addr.Address), identity("identity/" + domain)}
	if o.SESConfigurationSet != "" {
		resources = append(resources, identity("configuration-set/"+o.SESConfigurationSet))
	}
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("SendMail"), Actions: jsii.Strings("ses:SendEmail"), Resources: jsii.Strings(resources...),
	}))
}

// newAlarms declares an alarm on any error and on any throttle of fn in
// five minutes.
func newAlarms(stack awscdk.Stack, fn awslambda.Function, f function) {
	period := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
	for _, a := range []struct {
		what   string
		metric awscloudwatch.Metric
	}{{"Errors", fn.MetricErrors(period)}, {"Throttles", fn.MetricThrottles(period)}} {
		what, metric := a.what, a.metric
		awscloudwatch.NewAlarm(stack, jsii.String(f.name+what), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(f.description + ": " + what + " in the last 5 minutes"),
			Metric:             metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
	}
}
