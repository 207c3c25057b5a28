package main

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"
)

// What an operator watches: every alarm notifies one SNS topic (the
// context's alarmEmail subscribes an address to it), the HTTP API writes
// JSON access logs, and one dashboard shows the API, the flows and the
// throttles.

// alarmTopicID is the construct ID of the stack's one alarm topic.
const alarmTopicID = "Alarms"

// alarmTopic returns the stack's alarm topic, declaring it (and the
// alarmEmail subscription) the first time.
func alarmTopic(stack awscdk.Stack, o Options) awssns.ITopic {
	if t, ok := stack.Node().TryFindChild(jsii.String(alarmTopicID)).(awssns.ITopic); ok {
		return t
	}
	t := awssns.NewTopic(stack, jsii.String(alarmTopicID), &awssns.TopicProps{
		DisplayName: jsii.String("openlot alarms"),
		EnforceSSL:  jsii.Bool(true),
	})
	if o.AlarmEmail != "" {
		t.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(o.AlarmEmail), nil))
	}
	return t
}

// newAlarm declares an alarm that notifies the alarm topic when metric
// reaches threshold in one period.
func newAlarm(stack awscdk.Stack, o Options, id, description string, metric awscloudwatch.IMetric, threshold float64) {
	a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(description),
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	a.AddAlarmAction(awscloudwatchactions.NewSnsAction(alarmTopic(stack, o)))
}

// fiveMinutes sums a metric over five minutes.
var fiveMinutes = &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}

// newAlarms declares an alarm on any error and on any throttle of fn in
// five minutes.
func newAlarms(stack awscdk.Stack, o Options, fn awslambda.Function, f function) {
	newAlarm(stack, o, f.name+"Errors", f.description+": Errors in the last 5 minutes", fn.MetricErrors(fiveMinutes), 1)
	newAlarm(stack, o, f.name+"Throttles", f.description+": Throttles in the last 5 minutes", fn.MetricThrottles(fiveMinutes), 1)
}

// accessLogFormat is the HTTP API's access log line: JSON with the request
// ID (the X-Request-Id the API answers with is the function's own; this
// one names the request in API Gateway), the route, the status and the
// latencies, and why the authorizer or the integration refused.
const accessLogFormat = `{"requestId":"$context.requestId","time":"$context.requestTime","ip":"$context.identity.sourceIp",` +
	`"method":"$context.httpMethod","path":"$context.path","route":"$context.routeKey","status":"$context.status",` +
	`"protocol":"$context.protocol","bytes":"$context.responseLength","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","integrationStatus":"$context.integrationStatus",` +
	`"integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error",` +
	`"userAgent":"$context.identity.userAgent"}`

// logHTTPAPI sends the HTTP API's default stage's access logs, one JSON
// line a request, to a log group kept logRetentionDays, and alarms on its
// 5xx answers.
func logHTTPAPI(stack awscdk.Stack, o Options, api apigw.HttpApi) {
	logs := awslogs.NewLogGroup(stack, jsii.String("HttpAccessLogs"), &awslogs.LogGroupProps{
		Retention: retention[o.LogRetentionDays], RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	stage := api.DefaultStage().Node().DefaultChild().(apigw.CfnStage)
	stage.SetAccessLogSettings(&apigw.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(), Format: jsii.String(accessLogFormat),
	})
	newAlarm(stack, o, "Http5xx", "openlot HTTP API: 5xx answers in the last 5 minutes", api.MetricServerError(fiveMinutes), 1)
}

// flowLogs returns the logging of a state machine: errors only, without
// the execution's data (it names partners' files), kept logRetentionDays,
// in a log group under /aws/vendedlogs/states/, where Step Functions'
// log delivery needs no CloudWatch Logs resource policy entry per group
// (that policy is capped in size per account and region).
func flowLogs(stack awscdk.Stack, o Options, name string) *awsstepfunctions.LogOptions {
	logs := awslogs.NewLogGroup(stack, jsii.String("Flow-"+name+"-Logs"), &awslogs.LogGroupProps{
		LogGroupName: awscdk.Fn_Join(jsii.String(""), jsii.Strings("/aws/vendedlogs/states/", *stack.StackName(), "-", name)),
		Retention:    retention[o.LogRetentionDays], RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return &awsstepfunctions.LogOptions{Destination: logs, Level: awsstepfunctions.LogLevel_ERROR, IncludeExecutionData: jsii.Bool(false)}
}

// alarmFlow alarms when an execution of the flow fails or times out.
func alarmFlow(stack awscdk.Stack, o Options, name string, m awsstepfunctions.StateMachine) {
	newAlarm(stack, o, "Flow-"+name+"-Failed", "openlot flow "+name+": executions failed or timed out in the last 5 minutes",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("failed + timedOut"), Label: jsii.String(name + " failed or timed out"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{"failed": m.MetricFailed(fiveMinutes), "timedOut": m.MetricTimedOut(fiveMinutes)},
			Period:       awscdk.Duration_Minutes(jsii.Number(5)),
		}), 1)
}

// newDashboard declares the operator's dashboard: the API's 5xx, 4xx and
// latency; inspections failed and their durations; every flow's failures;
// and throttles of the functions, the flows and the table.
func newDashboard(stack awscdk.Stack, api apigw.HttpApi, table awsdynamodb.Table, machines map[string]awsstepfunctions.StateMachine, functions []awslambda.Function) {
	period := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	stat := func(s string) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String(s), Label: jsii.String(s)}
	}
	graph := func(title string, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &left, Width: jsii.Number(8)})
	}
	names := slices.Sorted(maps.Keys(machines))
	var flowFailures, flowThrottles []awscloudwatch.IMetric
	for _, name := range names {
		label := func(what string) *awscloudwatch.MetricOptions {
			return &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String(name + " " + what)}
		}
		flowFailures = append(flowFailures, machines[name].MetricFailed(label("failed")), machines[name].MetricTimedOut(label("timed out")))
		flowThrottles = append(flowThrottles, machines[name].MetricThrottled(label("throttled")))
	}
	var fnErrors, fnThrottles []awscloudwatch.IMetric
	for _, fn := range functions {
		id := *fn.Node().Id()
		fnErrors = append(fnErrors, fn.MetricErrors(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String(id)}))
		fnThrottles = append(fnThrottles, fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String(id)}))
	}
	widgets := [][]awscloudwatch.IWidget{
		{
			graph("API 5xx and 4xx", api.MetricServerError(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String("5xx")}),
				api.MetricClientError(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String("4xx")}),
				api.MetricCount(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String("requests")})),
			graph("API latency (ms)", api.MetricLatency(stat("p50")), api.MetricLatency(stat("p99")), api.MetricIntegrationLatency(stat("p99"))),
			graph("Function errors", fnErrors...),
		},
	}
	if m, ok := machines["inspection"]; ok {
		widgets = append(widgets, []awscloudwatch.IWidget{
			graph("Inspections started, succeeded, failed", m.MetricStarted(sum), m.MetricSucceeded(sum), m.MetricFailed(sum), m.MetricTimedOut(sum)),
			graph("Inspection duration (ms)", m.MetricTime(stat("p50")), m.MetricTime(stat("p90")), m.MetricTime(stat("Maximum"))),
			graph("Flow failures", flowFailures...),
		})
	}
	widgets = append(widgets, []awscloudwatch.IWidget{
		graph("Function throttles", fnThrottles...),
		graph("Flow throttles", flowThrottles...),
		graph("Table throttled requests", table.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{
			Period: period, Operations: &[]awsdynamodb.Operation{awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_PUT_ITEM,
				awsdynamodb.Operation_QUERY, awsdynamodb.Operation_UPDATE_ITEM, awsdynamodb.Operation_DELETE_ITEM}})),
	})
	rows := make([]*[]awscloudwatch.IWidget, len(widgets))
	for i := range widgets {
		rows[i] = &widgets[i]
	}
	awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: awscdk.Fn_Join(jsii.String("-"), jsii.Strings(*stack.StackName(), "openlot")),
		Widgets:       &rows,
	})
}
