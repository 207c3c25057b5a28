package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/portal/steps"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// synth builds the stack with the given context and returns its template.
// The asset folder holds a placeholder bootstrap: these tests read the
// template, not the binary (`make synth` packages the real one).
func synth(t *testing.T, context map[string]any) (assertions.Template, map[string]any) {
	t.Helper()
	_, stack := testStack(t, context)
	tpl := assertions.Template_FromStack(stack, nil)
	raw := map[string]any{}
	b, _ := json.Marshal(tpl.ToJSON())
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return tpl, raw
}

// testStack declares the app and the stack with the given context, not yet
// synthesized.
func testStack(t *testing.T, context map[string]any) (awscdk.App, awscdk.Stack) {
	t.Helper()
	assets := t.TempDir()
	for _, fn := range []string{"api", "export", "s3events", "steps", "accesslog", "digest"} {
		if err := os.MkdirAll(filepath.Join(assets, fn), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(assets, fn, "bootstrap"), []byte("placeholder"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := map[string]any{"assetDir": assets}
	for k, v := range context {
		ctx[k] = v
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
	opts, err := OptionsFrom(app.Node())
	if err != nil {
		t.Fatal(err)
	}
	return app, NewStack(app, "Openlot", nil, opts)
}

// holds runs a CDK assertion, which panics when it fails.
func holds(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}

// resources returns the template's resources of type typ.
func resources(raw map[string]any, typ string) []map[string]any {
	var out []map[string]any
	keys := []string{}
	res := raw["Resources"].(map[string]any)
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := res[k].(map[string]any)
		if r["Type"] == typ {
			out = append(out, r)
		}
	}
	return out
}

func props(r map[string]any) map[string]any { return r["Properties"].(map[string]any) }

func TestTable(t *testing.T) {
	// Ensures the table is on-demand with point-in-time recovery, TTL, deletion
	// protection, and exactly the keys and indexes shared/dynamo uses.
	tpl, raw := synth(t, nil)
	holds(t, "one table", func() { tpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1)) })
	tables := resources(raw, "AWS::DynamoDB::Table")
	tb := tables[0]
	p := props(tb)
	if p["BillingMode"] != "PAY_PER_REQUEST" {
		t.Errorf("table billing mode %v, want PAY_PER_REQUEST", p["BillingMode"])
	}
	if tb["DeletionPolicy"] != "Retain" {
		t.Errorf("table deletion policy %v, want Retain", tb["DeletionPolicy"])
	}
	if p["DeletionProtectionEnabled"] != true {
		t.Errorf("table deletion protection %v, want true", p["DeletionProtectionEnabled"])
	}
	if pitr := p["PointInTimeRecoverySpecification"].(map[string]any); pitr["PointInTimeRecoveryEnabled"] != true {
		t.Errorf("point-in-time recovery %v", pitr)
	}
	ttl := p["TimeToLiveSpecification"].(map[string]any)
	if ttl["AttributeName"] != "expiresAt" {
		t.Errorf("TTL attribute %v, want expiresAt", ttl["AttributeName"])
	}
	if ttl["Enabled"] != true {
		t.Errorf("TTL enabled %v, want true", ttl["Enabled"])
	}
	if ks := fmt.Sprint(p["KeySchema"]); ks != "[map[AttributeName:pk KeyType:HASH] map[AttributeName:sk KeyType:RANGE]]" {
		t.Errorf("key schema %s", ks)
	}
	var got []string
	for _, g := range p["GlobalSecondaryIndexes"].([]any) {
		g := g.(map[string]any)
		got = append(got, fmt.Sprint(g["IndexName"], g["KeySchema"], g["Projection"]))
	}
	sort.Strings(got)
	want := []string{
		"byAll[map[AttributeName:t KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"byCP[map[AttributeName:cp KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"byChange[map[AttributeName:t KeyType:HASH] map[AttributeName:chg KeyType:RANGE]] map[NonKeyAttributes:[ver fp sub cp] ProjectionType:INCLUDE]",
		"byFP[map[AttributeName:fp KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"byParent[map[AttributeName:par KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"byQueue[map[AttributeName:qu KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"byRequest[map[AttributeName:rq KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
		"bySub[map[AttributeName:sub KeyType:HASH] map[AttributeName:id KeyType:RANGE]] map[NonKeyAttributes:[ver data] ProjectionType:INCLUDE]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("indexes\n got %v\nwant %v", got, want)
	}
}

func TestContextOptions(t *testing.T) {
	// Ensures deletion protection and removal policy follow the context, so a
	// test stack can be torn down, and bad values stop the synthesis.
	_, raw := synth(t, map[string]any{"deletionProtection": "false", "removalPolicy": "destroy", "machineClients": "fp-juniper=fp/juniper+cancel, fp-lumen=fp/lumen,ops=studio"})
	tb := resources(raw, "AWS::DynamoDB::Table")[0]
	if tb["DeletionPolicy"] != "Delete" {
		t.Errorf("destroyable table: deletion policy %v, want Delete", tb["DeletionPolicy"])
	}
	if v := props(tb)["DeletionProtectionEnabled"]; v != false {
		t.Errorf("destroyable table: deletion protection %v, want false", v)
	}
	if b := resources(raw, "AWS::S3::Bucket")[0]; b["DeletionPolicy"] != "Delete" {
		t.Errorf("bucket deletion policy %v", b["DeletionPolicy"])
	}
	var scopes []string
	for _, s := range props(resources(raw, "AWS::Cognito::UserPoolResourceServer")[0])["Scopes"].([]any) {
		scopes = append(scopes, s.(map[string]any)["ScopeName"].(string))
	}
	for _, want := range []string{"partner.juniper", "partner.lumen"} {
		if !slices.Contains(scopes, want) {
			t.Errorf("partner scopes %v lack %s", scopes, want)
		}
	}
	granted := map[string]string{}
	for _, c := range resources(raw, "AWS::Cognito::UserPoolClient") {
		if p := props(c); p["ClientName"] != nil {
			b, _ := json.Marshal(p["AllowedOAuthScopes"])
			granted[p["ClientName"].(string)] = fmt.Sprint(strings.Contains(string(b), "partner.juniper"), strings.Contains(string(b), "/cancel"))
		}
	}
	// Each client's value is "<has partner.juniper> <has /cancel>".
	if got := granted["fp-juniper"]; got != "true true" {
		t.Errorf("fp-juniper's scopes: partner.juniper and cancel %s, want true true", got)
	}
	if got := granted["fp-lumen"]; got != "false false" {
		t.Errorf("fp-lumen's scopes: partner.juniper and cancel %s, want false false", got)
	}
	if len(granted) != 3 {
		t.Errorf("%d machine clients, want 3: %v", len(granted), granted)
	}
	for _, bad := range []map[string]any{
		{"removalPolicy": "maybe"}, {"logRetentionDays": "31"}, {"deletionProtection": "sometimes"}, {"machineClients": "x=fp"}, {"machineClients": "x=studio/juniper"},
		{"machineClients": "x=fp/juniper+delete"}, {"machineClients": "Bad Name=qc"}, {"machineClients": "a=qc,a=qc"}, {"mailFrom": "not an address"}, {"alarmEmail": "ops"}, {"alarmEmail": "Ops <ops@example.com>"}, {"proxyPool": "-1"}, {"proxyPool": "many"},
	} {
		ctx := map[string]any{}
		for k, v := range bad {
			ctx[k] = v
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		if _, err := OptionsFrom(app.Node()); err == nil {
			t.Errorf("context %v was accepted", bad)
		}
	}
}

func TestBucket(t *testing.T) {
	// Ensures the file bucket is private, encrypted, TLS-only, open to browser
	// PUT/GET of presigned URLs, and drops unfinished multipart uploads after 7 days.
	tpl, raw := synth(t, map[string]any{"webOrigins": "https://portal.example.com"})
	var p, logs map[string]any
	for _, b := range resources(raw, "AWS::S3::Bucket") {
		if props(b)["CorsConfiguration"] != nil {
			p = props(b)
		} else {
			logs = props(b)
		}
	}
	lg := fmt.Sprint(p["LoggingConfiguration"])
	if !strings.Contains(lg, "AccessLogs") {
		t.Errorf("the files bucket's access logs %s do not go to the AccessLogs bucket", lg)
	}
	if !strings.Contains(lg, "LogFilePrefix:access/") {
		t.Errorf("the files bucket's access logs %s lack the prefix access/", lg)
	}
	if lc := fmt.Sprint(logs["LifecycleConfiguration"]); !strings.Contains(lc, "ExpirationInDays:90") {
		t.Errorf("the access-log bucket's lifecycle %s does not expire logs after 90 days", lc)
	}
	if pab := fmt.Sprint(logs["PublicAccessBlockConfiguration"]); pab != "map[BlockPublicAcls:true BlockPublicPolicy:true IgnorePublicAcls:true RestrictPublicBuckets:true]" {
		t.Errorf("the access-log bucket's public access block %s, want all four true", pab)
	}
	if fmt.Sprint(p["PublicAccessBlockConfiguration"]) != "map[BlockPublicAcls:true BlockPublicPolicy:true IgnorePublicAcls:true RestrictPublicBuckets:true]" {
		t.Errorf("public access %v", p["PublicAccessBlockConfiguration"])
	}
	if !strings.Contains(fmt.Sprint(p["BucketEncryption"]), "SSEAlgorithm:AES256") {
		t.Errorf("encryption %v", p["BucketEncryption"])
	}
	cors := fmt.Sprint(p["CorsConfiguration"])
	for _, want := range []string{"AllowedMethods:[GET PUT HEAD]", "AllowedOrigins:[https://portal.example.com]", "ETag"} {
		if !strings.Contains(cors, want) {
			t.Errorf("CORS %s lacks %s", cors, want)
		}
	}
	lc := fmt.Sprint(p["LifecycleConfiguration"])
	if !strings.Contains(lc, "AbortIncompleteMultipartUpload:map[DaysAfterInitiation:7]") {
		t.Errorf("lifecycle %s does not abort unfinished multipart uploads after 7 days", lc)
	}
	if !strings.Contains(lc, "Status:Enabled") {
		t.Errorf("lifecycle %s is not enabled", lc)
	}
	holds(t, "TLS enforced", func() {
		tpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Effect": "Deny", "Action": "s3:*", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})})},
		})
	})
}

func TestCognito(t *testing.T) {
	// Ensures users sign in with groups fp/cp/studio/qc and a custom:partner
	// attribute, and machine clients get tokens by client credentials with
	// openlot scopes.
	tpl, raw := synth(t, nil)
	pool := props(resources(raw, "AWS::Cognito::UserPool")[0])
	schema := fmt.Sprint(pool["Schema"])
	if !strings.Contains(schema, "Name:partner") {
		t.Errorf("custom attributes %s lack partner", schema)
	}
	if !strings.Contains(schema, "Mutable:true") {
		t.Errorf("custom attributes %s: none is mutable", schema)
	}
	if fmt.Sprint(pool["AdminCreateUserConfig"]) != "map[AllowAdminCreateUserOnly:true]" {
		t.Errorf("self sign-up must be off: %v", pool["AdminCreateUserConfig"])
	}
	var groups []string
	for _, g := range resources(raw, "AWS::Cognito::UserPoolGroup") {
		groups = append(groups, props(g)["GroupName"].(string))
	}
	sort.Strings(groups)
	if !slices.Equal(groups, []string{"cp", "fp", "qc", "studio"}) {
		t.Errorf("groups %v", groups)
	}
	holds(t, "resource server", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolResourceServer"), map[string]any{
			"Identifier": "openlot",
			"Scopes": assertions.Match_ArrayWith(&[]any{
				map[string]any{"ScopeName": "role.fp", "ScopeDescription": assertions.Match_AnyValue()},
				map[string]any{"ScopeName": "role.studio", "ScopeDescription": assertions.Match_AnyValue()},
				map[string]any{"ScopeName": "cancel", "ScopeDescription": assertions.Match_AnyValue()},
			}),
		})
	})
	clients := resources(raw, "AWS::Cognito::UserPoolClient")
	if len(clients) != 2 {
		t.Fatalf("%d app clients, want web + studio-ops", len(clients))
	}
	for _, c := range clients {
		if p := props(c); p["AllowedOAuthFlows"].([]any)[0] == "code" {
			w := fmt.Sprint(p["WriteAttributes"])
			if strings.Contains(w, "custom:") {
				t.Errorf("web users may write %s; custom:partner must be admin-only", w)
			}
			if !strings.Contains(w, "name") {
				t.Errorf("web users may write %s, want name among them", w)
			}
		}
	}
	var flows []string
	for _, c := range clients {
		p := props(c)
		flows = append(flows, fmt.Sprint(p["AllowedOAuthFlows"], " secret=", p["GenerateSecret"]))
	}
	sort.Strings(flows)
	if !slices.Equal(flows, []string{"[client_credentials] secret=true", "[code] secret=false"}) {
		t.Errorf("client flows %v", flows)
	}
	holds(t, "hosted domain", func() { tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolDomain"), jsii.Number(1)) })
}

func TestFunction(t *testing.T) {
	// Ensures the API function runs the bootstrap binary on arm64
	// provided.al2023 with JSON logs kept 30 days, knows its table and bucket,
	// and may do only what the adapters do.
	tpl, raw := synth(t, nil)
	holds(t, "function", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap",
			"LoggingConfig": assertions.Match_ObjectLike(&map[string]any{"LogFormat": "JSON"}),
			"Environment": map[string]any{"Variables": map[string]any{
				awsenv.Table:    map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Table"))},
				awsenv.Bucket:   map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Files"))},
				awsenv.TokenURL: assertions.Match_AnyValue(),
			}},
		})
	})
	holds(t, "log retention", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
	for _, policy := range resources(raw, "AWS::IAM::Policy") {
		roles, _ := json.Marshal(props(policy)["Roles"])
		if strings.Contains(string(roles), "BucketNotificationsHandler") { // CDK's own helper: it may only set notifications
			doc, _ := json.Marshal(props(policy)["PolicyDocument"])
			if n := strings.Count(string(doc), `"Action":"s3:PutBucketNotification"`); n != 2 {
				t.Errorf("notification helper policy has %d s3:PutBucketNotification actions, want 2: %s", n, doc)
			}
			if n := strings.Count(string(doc), `"Action"`); n != 2 {
				t.Errorf("notification helper policy has %d actions, want 2: %s", n, doc)
			}
			continue
		}
		if strings.Contains(string(roles), "Flow") { // a state machine: it may invoke its steps, trace and deliver its logs
			var doc struct{ Statement []struct{ Action any } }
			b, _ := json.Marshal(props(policy)["PolicyDocument"])
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			invokes := 0
			for _, st := range doc.Statement {
				for _, action := range strings.Fields(strings.Trim(fmt.Sprint(st.Action), "[]")) {
					switch {
					case action == "lambda:InvokeFunction":
						invokes++
					case strings.HasPrefix(action, "xray:"), strings.HasPrefix(action, "logs:"):
					default:
						t.Errorf("a state machine may %s: %s", action, b)
					}
				}
			}
			if invokes == 0 {
				t.Errorf("state machine policy may not invoke its steps: %s", b)
			}
		}
	}
	var alarms []string
	for _, a := range resources(raw, "AWS::CloudWatch::Alarm") {
		p := props(a)
		what := fmt.Sprint(p["Namespace"], " ", p["MetricName"], " ", p["Statistic"])
		if p["Metrics"] != nil { // a math expression: the flows' failed + timed out
			b, _ := json.Marshal(p["Metrics"])
			what = "flow " + strings.Join(regexp.MustCompile(`"MetricName":"(\w+)"`).FindAllString(string(b), -1), " ")
		}
		alarms = append(alarms, fmt.Sprint(what, " >= ", p["Threshold"], " -> ", len(p["AlarmActions"].([]any)), " action"))
	}
	sort.Strings(alarms)
	var want []string
	functions := 5 + len(steps.Names())
	for range functions { // every function
		want = append(want, "AWS/Lambda Errors Sum >= 1 -> 1 action")
	}
	for range functions {
		want = append(want, "AWS/Lambda Throttles Sum >= 1 -> 1 action")
	}
	want = append(want, "AWS/ApiGateway 5xx Sum >= 1 -> 1 action")
	flows, _, _ := ReadFlows()
	for range flows {
		want = append(want, `flow "MetricName":"ExecutionsFailed" "MetricName":"ExecutionsTimedOut" >= 1 -> 1 action`)
	}
	sort.Strings(want)
	if !slices.Equal(alarms, want) {
		t.Errorf("alarms\n got %v\nwant %v", alarms, want)
	}
	holds(t, "assembled deliveries notify s3events", func() {
		tpl.HasResourceProperties(jsii.String("Custom::S3BucketNotifications"), map[string]any{
			"NotificationConfiguration": map[string]any{"LambdaFunctionConfigurations": []any{map[string]any{
				"Events":            []any{"s3:ObjectCreated:CompleteMultipartUpload"},
				"Filter":            map[string]any{"Key": map[string]any{"FilterRules": []any{map[string]any{"Name": "prefix", "Value": "deliveries/"}}}},
				"LambdaFunctionArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^S3Events")), "Arn"}},
			}}},
		})
	})
	holds(t, "s3events has time to hash large files", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{"Timeout": 900, "MemorySize": 1024})
	})
}

func TestHTTPAPI(t *testing.T) {
	// Ensures /v1 routes need a Cognito JWT (web and machine clients as
	// audiences), the API document and the portal are public, and Lambda
	// gets payload 2.0.
	tpl, raw := synth(t, nil)
	holds(t, "JWT authorizer", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{
			"AuthorizerType": "JWT", "IdentitySource": []any{"$request.header.Authorization"},
			"JwtConfiguration": map[string]any{
				"Audience": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^UsersWeb"))},
					map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^UsersMachinestudioops"))}},
				"Issuer": assertions.Match_AnyValue(),
			},
		})
	})
	routes := map[string]string{}
	for _, r := range resources(raw, "AWS::ApiGatewayV2::Route") {
		p := props(r)
		routes[p["RouteKey"].(string)] = fmt.Sprint(p["AuthorizationType"])
	}
	want := map[string]string{"GET /v1/{proxy+}": "JWT", "POST /v1/{proxy+}": "JWT", "PUT /v1/{proxy+}": "JWT", "DELETE /v1/{proxy+}": "JWT",
		"POST /v1/requests/export": "JWT", "GET /openapi.json": "NONE", "GET /": "NONE", "GET /{proxy+}": "NONE"}
	if fmt.Sprint(routes) != fmt.Sprint(want) {
		t.Errorf("routes %v, want %v", routes, want)
	}
	holds(t, "payload 2.0", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
			"IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0"})
	})
	var outputs []string
	for k := range raw["Outputs"].(map[string]any) {
		outputs = append(outputs, k)
	}
	sort.Strings(outputs)
	if !slices.Equal(outputs, []string{"ApiUrl", "BucketName", "MachineClientIds", "TableName", "TokenUrl", "UserPoolId", "WebClientId"}) {
		t.Errorf("outputs %v", outputs)
	}
}

// routeTarget returns the logical ID of the function behind the route
// with key (through its integration), and the route's properties.
func routeTarget(t *testing.T, raw map[string]any, key string) (function string, route map[string]any) {
	t.Helper()
	res := raw["Resources"].(map[string]any)
	for _, r := range resources(raw, "AWS::ApiGatewayV2::Route") {
		if props(r)["RouteKey"] != key {
			continue
		}
		j, _ := json.Marshal(props(r)["Target"]) // {"Fn::Join":["",["integrations/",{"Ref":"<integration>"}]]}
		var join struct {
			Join []json.RawMessage `json:"Fn::Join"`
		}
		var parts []json.RawMessage
		var ref struct{ Ref string }
		if err := json.Unmarshal(j, &join); err != nil || len(join.Join) != 2 || json.Unmarshal(join.Join[1], &parts) != nil ||
			len(parts) != 2 || json.Unmarshal(parts[1], &ref) != nil {
			t.Fatalf("route %s: target %s", key, j)
		}
		integration, _ := res[ref.Ref].(map[string]any)
		if integration["Type"] != "AWS::ApiGatewayV2::Integration" {
			t.Fatalf("route %s: target %s is not an integration", key, ref.Ref)
		}
		if v := props(integration)["PayloadFormatVersion"]; v != "2.0" {
			t.Errorf("route %s: payload format %v, want 2.0", key, v)
		}
		uri, _ := props(integration)["IntegrationUri"].(map[string]any)
		att, _ := uri["Fn::GetAtt"].([]any)
		if len(att) != 2 {
			t.Fatalf("route %s: integration URI %v is not a function's ARN", key, uri)
		}
		return fmt.Sprint(att[0]), props(r)
	}
	t.Fatalf("no route %s", key)
	return "", nil
}

func TestPortalRoutes(t *testing.T) {
	// Ensures the portal's pages, assets and /config.json reach the API's
	// function without the authorizer, while /v1 keeps it.
	_, raw := synth(t, nil)
	v1Fn, v1 := routeTarget(t, raw, "GET /v1/{proxy+}")
	for _, key := range []string{"GET /", "GET /{proxy+}"} {
		fn, route := routeTarget(t, raw, key)
		if fn != v1Fn {
			t.Errorf("%s calls %s, want the API's function %s", key, fn, v1Fn)
		}
		if route["AuthorizationType"] != "NONE" {
			t.Errorf("%s: authorization %v, want NONE (people load the portal before they sign in)", key, route["AuthorizationType"])
		}
		if _, has := route["AuthorizerId"]; has {
			t.Errorf("%s has an authorizer", key)
		}
	}
	if v1["AuthorizationType"] != "JWT" {
		t.Errorf("GET /v1/{proxy+}: authorization %v, want JWT", v1["AuthorizationType"])
	}
	if !strings.HasPrefix(v1Fn, "Api") {
		t.Errorf("GET /v1/{proxy+} calls %s, want the Api function", v1Fn)
	}
}

func TestPortalSignIn(t *testing.T) {
	// Ensures the functions that serve the portal know the user pool's
	// issuer and the web client (its /config.json), the others do not, and
	// the web client sends people back to the local callback, the public
	// URL's and the deployed API's.
	_, raw := synth(t, map[string]any{"publicUrl": "https://portal.example.com/"})
	res := raw["Resources"].(map[string]any)
	var webClient string
	for id, r := range res {
		if strings.HasPrefix(id, "UsersWeb") && r.(map[string]any)["Type"] == "AWS::Cognito::UserPoolClient" {
			webClient = id
		}
	}
	if webClient == "" {
		t.Fatal("no web client")
	}
	for id, r := range res {
		r := r.(map[string]any)
		if r["Type"] != "AWS::Lambda::Function" || props(r)["Environment"] == nil {
			continue
		}
		vars, _ := props(r)["Environment"].(map[string]any)["Variables"].(map[string]any)
		serves := strings.HasPrefix(id, "Api") || strings.HasPrefix(id, "Export")
		issuer, hasIssuer := vars[awsenv.WebIssuer]
		client, hasClient := vars[awsenv.WebClientID]
		if hasIssuer != serves {
			t.Errorf("function %s: has %s = %v, want %v", id, awsenv.WebIssuer, hasIssuer, serves)
		}
		if hasClient != serves {
			t.Errorf("function %s: has %s = %v, want %v", id, awsenv.WebClientID, hasClient, serves)
		}
		if !serves {
			continue
		}
		if j, _ := json.Marshal(issuer); !strings.Contains(string(j), "ProviderURL") {
			t.Errorf("function %s: %s = %s, want the user pool's provider URL", id, awsenv.WebIssuer, j)
		}
		if j, _ := json.Marshal(client); string(j) != `{"Ref":"`+webClient+`"}` {
			t.Errorf("function %s: %s = %s, want the web client %s", id, awsenv.WebClientID, j, webClient)
		}
	}
	p := props(res[webClient].(map[string]any))
	callbacks, _ := json.Marshal(p["CallbackURLs"])
	for _, want := range []string{`"http://localhost:8080/auth/callback"`, `"https://portal.example.com/auth/callback"`, `"/auth/callback"]`} {
		if !strings.Contains(string(callbacks), want) {
			t.Errorf("callback URLs %s lack %s", callbacks, want)
		}
	}
	if !strings.Contains(string(callbacks), `{"Ref":"Http`) {
		t.Errorf("callback URLs %s: none is the deployed API's", callbacks)
	}
	logouts, _ := json.Marshal(p["LogoutURLs"])
	for _, want := range []string{`"http://localhost:8080/signed-out"`, `"https://portal.example.com/signed-out"`, `/signed-out"]`} {
		if !strings.Contains(string(logouts), want) {
			t.Errorf("sign-out URLs %s lack %s", logouts, want)
		}
	}
	if flows := fmt.Sprint(p["AllowedOAuthFlows"]); flows != "[code]" {
		t.Errorf("web client flows %s, want [code]", flows)
	}
	if p["GenerateSecret"] == true {
		t.Error("the web client has a secret; a browser app is a public client (PKCE)")
	}
}

func TestExportRoute(t *testing.T) {
	// Ensures POST /v1/requests/export (a route the API serves) goes to the
	// export function's integration (payload 2.0) behind the same Cognito
	// authorizer as /v1/{proxy+}, which still goes to the API's function,
	// and that the export function knows no state machines.
	_, raw := synth(t, nil)
	res := raw["Resources"].(map[string]any)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	b, err := os.ReadFile(filepath.Join("..", "shared", "httpapi", "testdata", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Paths[exportRoute]["post"] == nil {
		t.Errorf("the API document has no POST %s: the stack routes a path the API does not serve", exportRoute)
	}
	// target is the logical ID of the function behind the route with key.
	target := func(key string) (function string, route map[string]any) {
		t.Helper()
		for _, r := range resources(raw, "AWS::ApiGatewayV2::Route") {
			if props(r)["RouteKey"] != key {
				continue
			}
			j, _ := json.Marshal(props(r)["Target"]) // {"Fn::Join":["",["integrations/",{"Ref":"<integration>"}]]}
			var join struct {
				Join []json.RawMessage `json:"Fn::Join"`
			}
			var parts []json.RawMessage
			var ref struct{ Ref string }
			if err := json.Unmarshal(j, &join); err != nil || len(join.Join) != 2 || json.Unmarshal(join.Join[1], &parts) != nil ||
				len(parts) != 2 || json.Unmarshal(parts[1], &ref) != nil {
				t.Fatalf("route %s: target %s", key, j)
			}
			integration, _ := res[ref.Ref].(map[string]any)
			if integration["Type"] != "AWS::ApiGatewayV2::Integration" {
				t.Fatalf("route %s: target %s is not an integration", key, ref.Ref)
			}
			if v := props(integration)["PayloadFormatVersion"]; v != "2.0" {
				t.Errorf("route %s: payload format %v, want 2.0", key, v)
			}
			uri, _ := props(integration)["IntegrationUri"].(map[string]any)
			att, _ := uri["Fn::GetAtt"].([]any)
			if len(att) != 2 {
				t.Fatalf("route %s: integration URI %v is not a function's ARN", key, uri)
			}
			return fmt.Sprint(att[0]), props(r)
		}
		t.Fatalf("no route %s", key)
		return "", nil
	}
	exportFn, exportRoute := target("POST " + exportRoute)
	apiFn, proxyRoute := target("POST /v1/{proxy+}")
	fn, _ := res[exportFn].(map[string]any)
	if fn["Type"] != "AWS::Lambda::Function" {
		t.Fatalf("the export route's integration calls %s, not a function", exportFn)
	}
	if !strings.HasPrefix(exportFn, "Export") {
		t.Errorf("the export route's integration calls %s, want the Export function", exportFn)
	}
	if !strings.HasPrefix(apiFn, "Api") {
		t.Errorf("POST /v1/{proxy+} calls %s, want the Api function", apiFn)
	}
	if exportRoute["AuthorizationType"] != "JWT" {
		t.Errorf("the export route's authorization %v, want JWT", exportRoute["AuthorizationType"])
	}
	if fmt.Sprint(exportRoute["AuthorizerId"]) != fmt.Sprint(proxyRoute["AuthorizerId"]) {
		t.Errorf("the export route's authorizer %v, want the Cognito authorizer %v", exportRoute["AuthorizerId"], proxyRoute["AuthorizerId"])
	}
	vars, _ := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	if _, has := vars[awsenv.StateMachines]; has {
		t.Errorf("the export function knows the state machines (%s); it starts no flows", awsenv.StateMachines)
	}
	if _, has := vars[awsenv.Table]; !has {
		t.Errorf("the export function does not know its table (%s)", awsenv.Table)
	}
}

func TestFlows(t *testing.T) {
	// Ensures every flow is a state machine whose Tasks invoke one function
	// per step (the steps binary, told its step), that the machines may
	// invoke exactly those, that the API and the storage-event function may
	// start executions and know the machines, and that the ffmpeg layer
	// (context ffmpegLayerArn) goes on the examining step.
	tpl, raw := synth(t, map[string]any{"ffmpegLayerArn": "arn:aws:lambda:eu-west-1:123456789012:layer:ffmpeg:3"})
	asl, _, err := ReadFlows()
	if err != nil {
		t.Fatal(err)
	}
	holds(t, "a state machine per flow", func() {
		tpl.ResourceCountIs(jsii.String("AWS::StepFunctions::StateMachine"), jsii.Number(float64(len(asl))))
	})
	resources := raw["Resources"].(map[string]any)
	stepFns := map[string]map[string]any{}
	var machines []map[string]any
	for _, r := range resources {
		res := r.(map[string]any)
		props, _ := res["Properties"].(map[string]any)
		switch res["Type"] {
		case "AWS::Lambda::Function":
			envs, _ := props["Environment"].(map[string]any)
			vars, _ := envs["Variables"].(map[string]any)
			if step, ok := vars[awsenv.Step].(string); ok {
				stepFns[step] = props
			}
		case "AWS::StepFunctions::StateMachine":
			machines = append(machines, props)
		}
	}
	want := []string{steps.InspectBegin, steps.InspectDecide, steps.InspectExamine, steps.InspectFault, steps.InspectIntegrity,
		steps.NotifySend, steps.ProxyFault, steps.ProxyFinish, steps.ProxyPlan, steps.ProxySegment, steps.QCApplyOutcome}
	slices.Sort(want)
	got := slices.Sorted(maps.Keys(stepFns))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("step functions %v, want %v", got, want)
	}
	for _, media := range []string{steps.InspectExamine, steps.ProxyPlan, steps.ProxySegment, steps.ProxyFinish} {
		if _, ok := stepFns[media]["Layers"]; !ok {
			t.Errorf("%s reads media but has no ffmpeg layer", media)
		}
	}
	if eph, _ := stepFns[steps.ProxySegment]["EphemeralStorage"].(map[string]any); eph["Size"] != 10240.0 {
		t.Errorf("the segment step's /tmp: %v", eph)
	}
	if mem := stepFns[steps.ProxySegment]["MemorySize"]; mem != 3538.0 {
		t.Errorf("the segment step's memory: %v MB", mem)
	}
	if _, ok := stepFns[steps.InspectBegin]["Layers"]; ok {
		t.Error("a step that reads no media has the ffmpeg layer")
	}
	for _, m := range machines {
		subs, _ := m["DefinitionSubstitutions"].(map[string]any)
		def := fmt.Sprint(m["DefinitionString"])
		for step := range subs {
			if !strings.Contains(def, "${"+step+"}") {
				t.Errorf("substitution %s has no placeholder", step)
			}
			if stepFns[step] == nil {
				t.Errorf("substitution %s has no function", step)
			}
		}
		if len(subs) == 0 {
			t.Errorf("a machine without steps: %v", m)
		}
	}
	policies := fmt.Sprint(raw["Resources"])
	for _, action := range []string{"states:StartExecution", "lambda:InvokeFunction"} {
		if !strings.Contains(policies, action) {
			t.Errorf("no policy grants %s", action)
		}
	}
	holds(t, "the API knows the machines", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Description": "openlot HTTP API",
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				awsenv.StateMachines: assertions.Match_AnyValue()})},
		})
	})
}

func TestMailDigestAndAccessLogs(t *testing.T) {
	// Ensures the SES context options reach every function, and the functions that send mail a send right on the sender identity only, the digest runs daily at 06:00 UTC, and new access logs go to the accesslog function.
	tpl, raw := synth(t, map[string]any{"mailFrom": "openlot <no-reply@mail.example.com>", "sesConfigurationSet": "openlot", "publicUrl": "https://openlot.example.com"})
	senders := []string{}
	for fn, lines := range functionRoles(t, raw) {
		doc := strings.Join(lines, "\n")
		if !strings.Contains(doc, "ses:SendEmail") {
			continue
		}
		senders = append(senders, fn)
		for _, want := range []string{"SendMail Allow ses:SendEmail on [", ":identity/no-reply@mail.example.com", ":identity/mail.example.com", ":configuration-set/openlot]"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s cannot send mail from the identity alone: no %s in\n%s", fn, want, doc)
			}
		}
	}
	sort.Strings(senders)
	// The digest, and the steps that mail: a failed inspection, a QC
	// result, a ready proxy, the notify flow's mails (raised by the API).
	if want := []string{"Digest", "Step" + steps.InspectDecide, "Step" + steps.NotifySend, "Step" + steps.ProxyFinish, "Step" + steps.QCApplyOutcome}; !slices.Equal(senders, want) {
		t.Errorf("functions that may send mail %v, want %v", senders, want)
	}
	holds(t, "functions know the sender", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				awsenv.MailFrom: "openlot <no-reply@mail.example.com>", awsenv.SESConfigurationSet: "openlot",
				awsenv.PublicURL: "https://openlot.example.com"})},
		})
	})
	holds(t, "daily digest at 06:00 UTC", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"ScheduleExpression": "cron(0 6 * * ? *)",
			"Targets": []any{assertions.Match_ObjectLike(&map[string]any{
				"Arn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^Digest")), "Arn"}}})},
		})
	})
	holds(t, "new access logs reach accesslog", func() {
		tpl.HasResourceProperties(jsii.String("Custom::S3BucketNotifications"), map[string]any{
			"NotificationConfiguration": map[string]any{"LambdaFunctionConfigurations": []any{map[string]any{
				"Events":            []any{"s3:ObjectCreated:*"},
				"Filter":            map[string]any{"Key": map[string]any{"FilterRules": []any{map[string]any{"Name": "prefix", "Value": "access/"}}}},
				"LambdaFunctionArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^AccessLog")), "Arn"}},
			}}},
		})
	})
}

func TestEveryStepHasOneFunction(t *testing.T) {
	// Ensures every flow step declared in Go (shared/portal/steps) has
	// exactly one function, told its step, with the memory, timeout, /tmp
	// and ffmpeg declared beside it, and that no function runs a step Go
	// does not declare.
	_, raw := synth(t, map[string]any{"ffmpegLayerArn": "arn:aws:lambda:eu-west-1:123456789012:layer:ffmpeg:3"})
	fns := map[string][]map[string]any{}
	for _, fn := range resources(raw, "AWS::Lambda::Function") {
		envs, _ := props(fn)["Environment"].(map[string]any)
		vars, _ := envs["Variables"].(map[string]any)
		if step, ok := vars[awsenv.Step].(string); ok {
			fns[step] = append(fns[step], props(fn))
		}
	}
	for _, step := range slices.Sorted(maps.Keys(fns)) {
		if _, ok := steps.Needs[step]; !ok {
			t.Errorf("a function runs step %q, which shared/portal/steps does not declare", step)
		}
	}
	for _, step := range steps.Names() {
		if len(fns[step]) != 1 {
			t.Errorf("step %s has %d functions, want 1", step, len(fns[step]))
			continue
		}
		fn, need := fns[step][0], steps.Needs[step]
		if got := fn["MemorySize"]; got != float64(need.Memory()) {
			t.Errorf("step %s: %v MB, declared %d", step, got, need.Memory())
		}
		if got := fn["Timeout"]; got != float64(need.Timeout()) {
			t.Errorf("step %s: timeout %v s, declared %d", step, got, need.Timeout())
		}
		eph, _ := fn["EphemeralStorage"].(map[string]any)
		if need.ScratchMB == 0 && eph != nil {
			t.Errorf("step %s: /tmp %v, declared none", step, eph)
		}
		if need.ScratchMB != 0 {
			if eph == nil {
				t.Errorf("step %s: no /tmp size, declared %d MB", step, need.ScratchMB)
			} else if eph["Size"] != float64(need.ScratchMB) {
				t.Errorf("step %s: /tmp %v MB, declared %d MB", step, eph["Size"], need.ScratchMB)
			}
		}
		if _, layered := fn["Layers"]; layered != need.Media {
			t.Errorf("step %s: ffmpeg layer %v, declared media %v", step, layered, need.Media)
		}
		vars := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
		if _, found := vars[awsenv.FFmpeg]; found != need.Media {
			t.Errorf("step %s: %s set %v, declared media %v", step, awsenv.FFmpeg, found, need.Media)
		}
		if _, found := vars[awsenv.FFprobe]; found != need.Media {
			t.Errorf("step %s: %s set %v, declared media %v", step, awsenv.FFprobe, found, need.Media)
		}
	}
}

func TestAFlowWithAnUndeclaredStepIsRefused(t *testing.T) {
	// Ensures the stack refuses a flow whose ASL names a step that
	// shared/portal/steps does not declare, instead of deploying its
	// function with defaults.
	dir := t.TempDir()
	asl := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${` + steps.InspectBegin + `}","Next":"B"},` +
		`"B":{"Type":"Task","Resource":"${InspectSomethingNew}","End":true}}}`
	if err := os.WriteFile(filepath.Join(dir, "new.asl.json"), []byte(asl), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := readFlows(dir)
	if err == nil {
		t.Fatal("a flow naming an undeclared step was read")
	}
	if !strings.Contains(err.Error(), "InspectSomethingNew") {
		t.Errorf("the error does not name the step: %v", err)
	}
}
