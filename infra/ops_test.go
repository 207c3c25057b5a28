package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestOperations(t *testing.T) {
	// Ensures an operator hears of trouble and can see it: every alarm
	// notifies the alarm topic (context alarmEmail subscribes an address);
	// the HTTP API writes JSON access logs with the request ID to a log
	// group with retention; the state machines log errors and trace with
	// X-Ray, as every function does; one dashboard shows API 5xx and
	// latency, inspection failures and durations, flow failures and
	// throttles.
	_, raw := synth(t, map[string]any{"alarmEmail": "ops@example.com", "logRetentionDays": "90"})
	res := raw["Resources"].(map[string]any)

	topics := resources(raw, "AWS::SNS::Topic")
	if len(topics) != 1 {
		t.Fatalf("%d SNS topics, want the one alarm topic", len(topics))
	}
	var topicID string
	for id, r := range res {
		if r.(map[string]any)["Type"] == "AWS::SNS::Topic" {
			topicID = id
		}
	}
	subs := resources(raw, "AWS::SNS::Subscription")
	if len(subs) != 1 || props(subs[0])["Protocol"] != "email" || props(subs[0])["Endpoint"] != "ops@example.com" ||
		fmt.Sprint(props(subs[0])["TopicArn"]) != fmt.Sprint(map[string]any{"Ref": topicID}) {
		t.Errorf("alarm mail subscriptions %v, want ops@example.com by email on %s", subs, topicID)
	}
	alarms := resources(raw, "AWS::CloudWatch::Alarm")
	if len(alarms) < 20 {
		t.Fatalf("%d alarms", len(alarms))
	}
	for _, a := range alarms {
		actions, _ := json.Marshal(props(a)["AlarmActions"])
		if string(actions) != `[{"Ref":"`+topicID+`"}]` {
			t.Errorf("alarm %v: actions %s, want the alarm topic %s", props(a)["AlarmDescription"], actions, topicID)
		}
	}
	if _, raw := synth(t, nil); len(resources(raw, "AWS::SNS::Subscription")) != 0 {
		t.Error("without alarmEmail, the alarm topic has a subscription")
	}

	stages := resources(raw, "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want the default stage", len(stages))
	}
	als, _ := props(stages[0])["AccessLogSettings"].(map[string]any)
	var line map[string]string
	if err := json.Unmarshal([]byte(fmt.Sprint(als["Format"])), &line); err != nil {
		t.Errorf("the access log format %v is not a JSON line: %v", als["Format"], err)
	}
	for field, variable := range map[string]string{"requestId": "$context.requestId", "status": "$context.status",
		"route": "$context.routeKey", "latencyMs": "$context.responseLatency", "integrationError": "$context.integrationErrorMessage"} {
		if line[field] != variable {
			t.Errorf("access log field %s = %q, want %s", field, line[field], variable)
		}
	}
	dest, _ := als["DestinationArn"].(map[string]any)["Fn::GetAtt"].([]any)
	if len(dest) != 2 || !strings.HasPrefix(fmt.Sprint(dest[0]), "HttpAccessLogs") {
		t.Fatalf("access logs go to %v, want the HttpAccessLogs log group", als["DestinationArn"])
	}
	if days := props(res[fmt.Sprint(dest[0])].(map[string]any))["RetentionInDays"]; days != 90.0 {
		t.Errorf("access logs kept %v days, want logRetentionDays (90)", days)
	}

	machines := resources(raw, "AWS::StepFunctions::StateMachine")
	flows, _, _ := ReadFlows()
	if len(machines) != len(flows) {
		t.Fatalf("%d state machines, want %d", len(machines), len(flows))
	}
	for _, m := range machines {
		p := props(m)
		lc, _ := p["LoggingConfiguration"].(map[string]any)
		if lc["Level"] != "ERROR" || lc["IncludeExecutionData"] != false {
			t.Errorf("state machine %v logs %v, want ERROR without execution data", p["DefinitionSubstitutions"], lc)
		}
		dests, _ := json.Marshal(lc["Destinations"])
		if !strings.Contains(string(dests), "Flow") || !strings.Contains(string(dests), "Logs") {
			t.Errorf("state machine logs go to %s, want its own log group", dests)
		}
		// {"CloudWatchLogsLogGroup":{"LogGroupArn":{"Fn::GetAtt":["<log group>","Arn"]}}}
		var d []struct {
			CloudWatchLogsLogGroup struct{ LogGroupArn map[string][]string }
		}
		if err := json.Unmarshal(dests, &d); err != nil || len(d) != 1 || len(d[0].CloudWatchLogsLogGroup.LogGroupArn["Fn::GetAtt"]) != 2 {
			t.Fatalf("state machine log destinations %s", dests)
		}
		group, _ := res[d[0].CloudWatchLogsLogGroup.LogGroupArn["Fn::GetAtt"][0]].(map[string]any)
		if name := render(props(group)["LogGroupName"]); !strings.HasPrefix(name, "/aws/vendedlogs/states/") {
			t.Errorf("a state machine's log group %q is not under /aws/vendedlogs/states/", name)
		}
		if tc := fmt.Sprint(p["TracingConfiguration"]); tc != "map[Enabled:true]" {
			t.Errorf("state machine tracing %s, want enabled", tc)
		}
	}
	for _, fn := range resources(raw, "AWS::Lambda::Function") {
		p := props(fn)
		if !strings.HasPrefix(fmt.Sprint(p["Description"]), "openlot") {
			continue // CDK's bucket notification helper
		}
		if tc := fmt.Sprint(p["TracingConfig"]); tc != "map[Mode:Active]" {
			t.Errorf("function %v tracing %s, want Active", p["Description"], tc)
		}
	}

	dashboards := resources(raw, "AWS::CloudWatch::Dashboard")
	if len(dashboards) != 1 {
		t.Fatalf("%d dashboards, want 1", len(dashboards))
	}
	body, _ := json.Marshal(props(dashboards[0])["DashboardBody"])
	for _, want := range []string{`\"AWS/ApiGateway\",\"5xx\"`, `\"AWS/ApiGateway\",\"Latency\"`, `\"AWS/States\",\"ExecutionsFailed\"`,
		`\"AWS/States\",\"ExecutionTime\"`, `\"AWS/Lambda\",\"Throttles\"`, `\"AWS/States\",\"ExecutionThrottled\"`, `\"AWS/DynamoDB\",\"ThrottledRequests\"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the dashboard shows no %s", want)
		}
	}
	for _, title := range []string{"API 5xx and 4xx", "API latency (ms)", "Inspection duration (ms)", "Flow failures", "Function throttles"} {
		if !strings.Contains(string(body), title) {
			t.Errorf("the dashboard has no widget %q", title)
		}
	}
	if !slices.ContainsFunc(machines, func(m map[string]any) bool {
		return strings.Contains(fmt.Sprint(props(m)["DefinitionSubstitutions"]), "InspectExamine")
	}) {
		t.Error("no inspection state machine")
	}
}
