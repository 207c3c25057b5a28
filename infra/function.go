package main

import (
	"maps"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
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
// logs, X-Ray tracing and a role of its own that may write its logs and do
// exactly what accessOf declares for it (access.go): its table actions,
// indexes and keys, its bucket actions and key prefixes, the state
// machines it starts, mail from the sender identity. It declares alarms on
// the function's errors and throttles.
func newFunction(stack awscdk.Stack, o Options, st storage, f function) awslambda.Function {
	logs := awslogs.NewLogGroup(stack, jsii.String(f.name+"Logs"), &awslogs.LogGroupProps{
		Retention: retention[o.LogRetentionDays], RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	role := awsiam.NewRole(stack, jsii.String(f.name+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("openlot function " + f.name + ": its logs and what access.go declares for it"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("Logs"), Actions: jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn()),
	}))
	fn := awslambda.NewFunction(stack, jsii.String(f.name), &awslambda.FunctionProps{
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(o.AssetDir, f.asset)), nil),
		MemorySize:    jsii.Number(f.memoryMB),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(f.timeoutSeconds)),
		LoggingFormat: awslambda.LoggingFormat_JSON,
		LogGroup:      logs,
		Role:          role,
		Tracing:       awslambda.Tracing_ACTIVE,
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
	a := accessFor(f.name)
	grantAccess(fn, st, a)
	if a.mail && o.MailFrom != "" {
		grantMail(fn, o)
	}
	newAlarms(stack, o, fn, f)
	suppressFunctionFindings(role)
	*st.functions = append(*st.functions, fn)
	return fn
}

// grantAccess gives fn's role one statement per kind of access a declares.
func grantAccess(fn awslambda.Function, st storage, a access) {
	allow := func(sid string, actions []string, resources []string, cond map[string]any) {
		p := &awsiam.PolicyStatementProps{Sid: jsii.String(sid), Actions: jsii.Strings(actions...), Resources: jsii.Strings(resources...)}
		if cond != nil {
			p.Conditions = &cond
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(p))
	}
	table := *st.table.TableArn()
	if a.read {
		allow("TableRead", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{table}, nil)
	}
	if len(a.indexes) > 0 {
		var ixs []string
		for _, ix := range a.indexes {
			ixs = append(ixs, table+"/index/"+ix)
		}
		allow("TableIndexes", []string{"dynamodb:Query"}, ixs, nil)
	}
	if a.write {
		allow("TableWrite", []string{"dynamodb:PutItem"}, []string{table}, nil)
	}
	leading := func(prefix string) map[string]any {
		return map[string]any{"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": []string{prefix + "*"}}}
	}
	if len(a.writeKeys) > 0 && !a.write {
		var keys []string
		for _, k := range a.writeKeys {
			keys = append(keys, k+"*")
		}
		allow("TableWriteKeys", []string{"dynamodb:PutItem"}, []string{table},
			map[string]any{"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": keys}})
	}
	if a.once {
		allow("TableIdempotencyKeys", []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}, []string{table}, leading(keyIdempotency))
	}
	if a.deleteTemplates {
		allow("TableDeleteTemplates", []string{"dynamodb:DeleteItem"}, []string{table}, leading(keyTemplate))
	}
	for _, action := range slices.Sorted(maps.Keys(a.files)) {
		var objects []string
		for _, prefix := range a.files[action] {
			objects = append(objects, *st.files.ArnForObjects(jsii.String(prefix + "*")))
		}
		allow("Files"+strings.TrimPrefix(action, "s3:"), []string{action}, objects, nil)
	}
	if len(a.files) > 0 { // without it, HEAD of a missing key answers 403 instead of 404
		allow("FilesList", []string{"s3:ListBucket"}, []string{*st.files.BucketArn()}, nil)
	}
	if a.readLogs {
		allow("AccessLogsRead", []string{"s3:GetObject"}, []string{*st.logs.ArnForObjects(jsii.String("access/*"))}, nil)
	}
	if len(a.flows) > 0 {
		var arns []string
		for _, name := range a.flows {
			m, ok := st.machines[name]
			if !ok {
				panic("infra: " + *fn.Node().Id() + " starts flow " + name + ", declared before its state machine")
			}
			arns = append(arns, *m.StateMachineArn())
		}
		allow("StartFlows", []string{"states:StartExecution"}, arns, nil)
	}
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
