package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Options are the deploy-time choices, read from CDK context (cdk.json or
// `-c key=value`).
type Options struct {
	AssetDir            string          // folder holding <function>/bootstrap, built by `make lambdas`
	DeletionProtection  bool            // table and user pool refuse deletion (default true)
	Retain              bool            // keep table, bucket and user pool when the stack is deleted (default true)
	WebOrigins          []string        // origins allowed to PUT/GET presigned URLs from a browser (default *)
	CallbackURLs        []string        // sign-in redirects of the web client
	MachineClients      []MachineClient // client-credentials clients (the JWT authorizer accepts only listed clients)
	LogRetentionDays    int             // days the function's logs are kept (default 30)
	AuthDomainPrefix    string          // Cognito hosted domain prefix (default openlot-<account>)
	FFmpegLayerArn      string          // a Lambda layer with ffmpeg and ffprobe in bin/ (arm64); inspection reads media with them
	MailFrom            string          // SES sender identity, e.g. "openlot <no-reply@example.com>"; empty: no mail
	SESConfigurationSet string          // optional SES configuration set for sending events
	PublicURL           string          // the API's public base URL, for links in mail (e.g. a custom domain)
	ProxyPool           string          // watermarked proxies made in advance per proxy video (default 2)
	Schema              TableSchema
}

// MachineClient is an app client for a program: its role, partner and
// permissions become scopes of the openlot resource server.
type MachineClient struct {
	Name        string
	Role        string
	Partner     string
	Permissions []string
}

// parseMachineClient reads name=role[/partner][+permission…], e.g.
// fp-juniper=fp/juniper+cancel+subassign or studio-ops=studio.
func parseMachineClient(s string) (MachineClient, error) {
	name, spec, ok := strings.Cut(s, "=")
	perms := strings.Split(spec, "+")
	role, partner, _ := strings.Cut(perms[0], "/")
	c := MachineClient{Name: name, Role: role, Partner: partner, Permissions: perms[1:]}
	switch {
	case !ok || !validID(name):
		return c, fmt.Errorf("machine client %q: want name=role[/partner][+permission...]", s)
	case !slices.Contains(Groups, role):
		return c, fmt.Errorf("machine client %q: role must be one of %v", s, Groups)
	case (role == "fp" || role == "cp") != (partner != ""):
		return c, fmt.Errorf("machine client %q: fp and cp clients name a partner, others do not", s)
	case partner != "" && !validID(partner):
		return c, fmt.Errorf("machine client %q: %q is not a partner ID", s, partner)
	}
	for _, p := range c.Permissions {
		if p != "cancel" && p != "subassign" {
			return c, fmt.Errorf("machine client %q: permissions are cancel and subassign, not %q", s, p)
		}
	}
	return c, nil
}

func validID(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// Groups are the Cognito groups a user's role comes from (shared/auth).
var Groups = []string{"fp", "cp", "studio", "qc"}

// SchemaFile holds the table's keys and indexes; shared/dynamo embeds the
// same file, so the deployed table is the one the adapter expects.
const SchemaFile = "../shared/dynamo/schema.json"

// TableSchema is the content of SchemaFile.
type TableSchema struct {
	PartitionKey string `json:"partitionKey"`
	SortKey      string `json:"sortKey"`
	TTLAttribute string `json:"ttlAttribute"`
	Indexes      []struct {
		Name         string `json:"name"`
		PartitionKey string `json:"partitionKey"`
		SortKey      string `json:"sortKey"`
	} `json:"indexes"`
	Projected []string `json:"projected"`
}

// ReadSchema reads SchemaFile.
func ReadSchema() (TableSchema, error) {
	var s TableSchema
	b, err := os.ReadFile(SchemaFile)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err == nil && (s.PartitionKey == "" || s.SortKey == "" || len(s.Indexes) == 0) {
		err = errors.New("keys or indexes missing")
	}
	if err != nil {
		return s, fmt.Errorf("table schema %s: %w", SchemaFile, err)
	}
	return s, nil
}

var retention = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS,
	365: awslogs.RetentionDays_ONE_YEAR,
}

// OptionsFrom reads the options from the app's context, with defaults.
func OptionsFrom(node constructs.Node) (Options, error) {
	str := func(key, def string) string {
		if v, ok := node.TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		if v, ok := node.TryGetContext(jsii.String(key)).(bool); ok {
			return strconv.FormatBool(v)
		}
		if v, ok := node.TryGetContext(jsii.String(key)).(float64); ok {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return def
	}
	list := func(key, def string) []string {
		var out []string
		for _, s := range strings.Split(str(key, def), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	o := Options{
		AssetDir:         str("assetDir", filepath.Join("..", "bin", "lambda")),
		WebOrigins:       list("webOrigins", "*"),
		CallbackURLs:     list("webCallbackUrls", "http://localhost:8080/auth/callback"),
		AuthDomainPrefix: str("authDomainPrefix", ""),
		FFmpegLayerArn:   str("ffmpegLayerArn", ""),
		MailFrom:         str("mailFrom", ""),
		PublicURL:        str("publicUrl", ""),
		ProxyPool:        str("proxyPool", "2"),
	}
	o.SESConfigurationSet = str("sesConfigurationSet", "")
	if o.MailFrom != "" {
		if _, err := mail.ParseAddress(o.MailFrom); err != nil {
			return o, fmt.Errorf("context mailFrom %q is not an address: %w", o.MailFrom, err)
		}
	}
	if n, err := strconv.Atoi(o.ProxyPool); err != nil || n < 0 || n > 20 {
		return o, fmt.Errorf("context proxyPool must be 0 to 20, not %q", o.ProxyPool)
	}
	var err error
	if o.Schema, err = ReadSchema(); err != nil {
		return o, err
	}
	if _, _, err = ReadFlows(); err != nil {
		return o, err
	}
	if o.DeletionProtection, err = strconv.ParseBool(str("deletionProtection", "true")); err != nil {
		return o, fmt.Errorf("context deletionProtection: %w", err)
	}
	switch rp := str("removalPolicy", "retain"); rp {
	case "retain":
		o.Retain = true
	case "destroy":
	default:
		return o, fmt.Errorf("context removalPolicy must be retain or destroy, not %q", rp)
	}
	if o.LogRetentionDays, err = strconv.Atoi(str("logRetentionDays", "30")); err != nil || retention[o.LogRetentionDays] == "" {
		return o, fmt.Errorf("context logRetentionDays must be one of 1 3 5 7 14 30 60 90 180 365")
	}
	seen := map[string]bool{}
	for _, spec := range list("machineClients", "studio-ops=studio") {
		c, err := parseMachineClient(spec)
		if err != nil {
			return o, fmt.Errorf("context machineClients: %w", err)
		}
		if seen[c.Name] {
			return o, fmt.Errorf("context machineClients: %q twice", c.Name)
		}
		seen[c.Name] = true
		o.MachineClients = append(o.MachineClients, c)
	}
	return o, nil
}

// NewStack declares openlot on AWS.
func NewStack(scope constructs.Construct, id string, props *awscdk.StackProps, o Options) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	removal := awscdk.RemovalPolicy_DESTROY
	if o.Retain {
		removal = awscdk.RemovalPolicy_RETAIN
	}

	// State: one table (shared/dynamo/DESIGN.md).
	table := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String(o.Schema.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:                          &awsdynamodb.Attribute{Name: jsii.String(o.Schema.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		TimeToLiveAttribute:              jsii.String(o.Schema.TTLAttribute),
		DeletionProtection:               jsii.Bool(o.DeletionProtection),
		RemovalPolicy:                    removal,
	})
	for _, ix := range o.Schema.Indexes {
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:        jsii.String(ix.Name),
			PartitionKey:     &awsdynamodb.Attribute{Name: jsii.String(ix.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
			SortKey:          &awsdynamodb.Attribute{Name: jsii.String(ix.SortKey), Type: awsdynamodb.AttributeType_STRING},
			ProjectionType:   awsdynamodb.ProjectionType_INCLUDE,
			NonKeyAttributes: jsii.Strings(o.Schema.Projected...),
		})
	}

	// Access logs of the files bucket (read for truthful "Downloaded"), kept 90 days.
	logs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		RemovalPolicy:     removal,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Id: jsii.String("expire-access-logs"), Expiration: awscdk.Duration_Days(jsii.Number(90))}},
	})

	// Files: private, encrypted, TLS only; browsers PUT and GET through presigned URLs.
	bucket := awss3.NewBucket(stack, jsii.String("Files"), &awss3.BucketProps{
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("access/"),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:          removal,
		Cors: &[]*awss3.CorsRule{{
			AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_GET, awss3.HttpMethods_PUT, awss3.HttpMethods_HEAD},
			AllowedOrigins: jsii.Strings(o.WebOrigins...),
			AllowedHeaders: jsii.Strings("*"),
			ExposedHeaders: jsii.Strings("ETag", "Content-Length", "Content-Range", "x-amz-checksum-sha256"),
			MaxAge:         jsii.Number(3600),
		}},
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("abort-incomplete-multipart-uploads"),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
		}},
	})

	// Sign-in: users (groups, partner attribute) and machine clients (scopes).
	pool := awscognito.NewUserPool(stack, jsii.String("Users"), &awscognito.UserPoolProps{
		SelfSignUpEnabled: jsii.Bool(false),
		SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		AccountRecovery:   awscognito.AccountRecovery_EMAIL_ONLY,
		PasswordPolicy:    &awscognito.PasswordPolicy{MinLength: jsii.Number(12)},
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"partner":     awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(64)}),
			"permissions": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(256)}),
		},
		DeletionProtection: jsii.Bool(o.DeletionProtection),
		RemovalPolicy:      removal,
	})
	for _, g := range Groups {
		awscognito.NewCfnUserPoolGroup(stack, jsii.String("Group-"+g), &awscognito.CfnUserPoolGroupProps{
			UserPoolId: pool.UserPoolId(), GroupName: jsii.String(g),
			Description: jsii.String("openlot role " + g),
		})
	}
	scopes := []awscognito.ResourceServerScope{}
	byName := map[string]awscognito.ResourceServerScope{}
	addScope := func(name, desc string) {
		if byName[name] == nil {
			byName[name] = awscognito.NewResourceServerScope(&awscognito.ResourceServerScopeProps{
				ScopeName: jsii.String(name), ScopeDescription: jsii.String(desc)})
			scopes = append(scopes, byName[name])
		}
	}
	for _, g := range Groups {
		addScope("role."+g, "acts with the "+g+" role")
	}
	addScope("cancel", "may cancel requests")
	addScope("subassign", "may subassign requests")
	for _, c := range o.MachineClients {
		if c.Partner != "" {
			addScope("partner."+c.Partner, "acts for partner "+c.Partner)
		}
	}
	server := pool.AddResourceServer(jsii.String("Api"), &awscognito.UserPoolResourceServerOptions{
		Identifier: jsii.String("openlot"), Scopes: &scopes,
	})
	webClient := pool.AddClient(jsii.String("Web"), &awscognito.UserPoolClientOptions{
		GenerateSecret: jsii.Bool(false),
		// Users may edit their name, never custom:partner or custom:permissions:
		// those decide what they see, so only administrators set them.
		WriteAttributes: awscognito.NewClientAttributes().WithStandardAttributes(&awscognito.StandardAttributesMask{
			Fullname: jsii.Bool(true), GivenName: jsii.Bool(true), FamilyName: jsii.Bool(true)}),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		PreventUserExistenceErrors: jsii.Bool(true),
		OAuth: &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true)},
			Scopes:       &[]awscognito.OAuthScope{awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL(), awscognito.OAuthScope_PROFILE()},
			CallbackUrls: jsii.Strings(o.CallbackURLs...),
		},
	})
	clients := []awscognito.IUserPoolClient{webClient}
	var clientIDs []*string
	for _, c := range o.MachineClients {
		granted := []awscognito.OAuthScope{awscognito.OAuthScope_ResourceServer(server, byName["role."+c.Role])}
		if c.Partner != "" {
			granted = append(granted, awscognito.OAuthScope_ResourceServer(server, byName["partner."+c.Partner]))
		}
		for _, p := range c.Permissions {
			granted = append(granted, awscognito.OAuthScope_ResourceServer(server, byName[p]))
		}
		mc := pool.AddClient(jsii.String("Machine-"+c.Name), &awscognito.UserPoolClientOptions{
			UserPoolClientName: jsii.String(c.Name),
			GenerateSecret:     jsii.Bool(true),
			OAuth:              &awscognito.OAuthSettings{Flows: &awscognito.OAuthFlows{ClientCredentials: jsii.Bool(true)}, Scopes: &granted},
		})
		clients = append(clients, mc)
		clientIDs = append(clientIDs, awscdk.Fn_Join(jsii.String("="), jsii.Strings(c.Name, *mc.UserPoolClientId())))
	}
	prefix := o.AuthDomainPrefix
	if prefix == "" {
		prefix = *awscdk.Fn_Join(jsii.String("-"), jsii.Strings("openlot", *awscdk.Aws_ACCOUNT_ID()))
	}
	domain := pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
		CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(prefix)},
	})
	tokenURL := *domain.BaseUrl(nil) + "/oauth2/token"

	// The functions: the API, and the storage-event safety net for deliveries.
	env := &map[string]*string{
		"OPENLOT_TABLE":      table.TableName(),
		"OPENLOT_BUCKET":     bucket.BucketName(),
		"OPENLOT_TOKEN_URL":  jsii.String(tokenURL),
		"OPENLOT_PROXY_POOL": jsii.String(o.ProxyPool),
	}
	for k, v := range map[string]string{"OPENLOT_MAIL_FROM": o.MailFrom, "OPENLOT_SES_CONFIGURATION_SET": o.SESConfigurationSet,
		"OPENLOT_PUBLIC_URL": o.PublicURL} {
		if v != "" {
			(*env)[k] = jsii.String(v)
		}
	}
	// The flows' state machines, from the ASL the flow descriptions render
	// to (shared/portal/flows), each Task bound to its step's function.
	machines, err := newFlows(stack, o, env, table, bucket)
	if err != nil {
		panic(err) // OptionsFrom read the files already; this is a broken checkout
	}
	flowEnv := map[string]*string{}
	for k, v := range *env {
		flowEnv[k] = v
	}
	arns := map[string]*string{}
	for name, m := range machines {
		arns[name] = m.StateMachineArn()
	}
	flowEnv["OPENLOT_STATE_MACHINES"] = stack.ToJsonString(arns, nil)

	fn := newFunction(stack, "Api", "api", "openlot HTTP API", o, &flowEnv, table, bucket, 512, awscdk.Duration_Seconds(jsii.Number(29))) // API Gateway waits 30 s at most
	events := newFunction(stack, "S3Events", "s3events", "openlot: completes deliveries assembled in storage", o, &flowEnv, table, bucket,
		1024, awscdk.Duration_Minutes(jsii.Number(15))) // hashes whole files
	for _, m := range machines { // completing a transfer starts its inspection; a QC decision its outcome
		m.GrantStartExecution(fn)
		m.GrantStartExecution(events)
	}
	bucket.AddEventNotification(awss3.EventType_OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD, awss3notifications.NewLambdaDestination(events),
		&awss3.NotificationKeyFilter{Prefix: jsii.String("deliveries/")})

	// "Downloaded" on AWS: the files bucket's server access logs go to their
	// own bucket; each new log object is read once by accesslog, which adds
	// up the bytes each tagged download URL sent.
	accessLog := newFunction(stack, "AccessLog", "accesslog", "openlot: download bytes from S3 server access logs", o, env, table, bucket,
		512, awscdk.Duration_Minutes(jsii.Number(5)))
	logs.GrantRead(accessLog, jsii.String("access/*"))
	logs.AddEventNotification(awss3.EventType_OBJECT_CREATED, awss3notifications.NewLambdaDestination(accessLog),
		&awss3.NotificationKeyFilter{Prefix: jsii.String("access/")})

	// The daily digest: one mail per partner user, at 06:00 UTC.
	digest := newFunction(stack, "Digest", "digest", "openlot: the daily digest of requests turning at risk or critical", o, env, table, bucket,
		1024, awscdk.Duration_Minutes(jsii.Number(15)))
	awsevents.NewRule(stack, jsii.String("DailyDigest"), &awsevents.RuleProps{
		Description: jsii.String("openlot daily digest"),
		Schedule:    awsevents.Schedule_Cron(&awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("6")}),
		Targets:     &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(digest, nil)},
	})

	// The HTTP API: every /v1 route needs a Cognito token (users' ID tokens
	// from the web client, machine clients' access tokens); the API document
	// is public.
	authorizer := awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String("Cognito"), pool,
		&awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{
			UserPoolClients: &clients,
		})
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("ApiIntegration"), fn,
		&awsapigatewayv2integrations.HttpLambdaIntegrationProps{PayloadFormatVersion: apigw.PayloadFormatVersion_VERSION_2_0()})
	api := apigw.NewHttpApi(stack, jsii.String("Http"), &apigw.HttpApiProps{
		Description: jsii.String("openlot API"),
		CorsPreflight: &apigw.CorsPreflightOptions{
			AllowOrigins:  jsii.Strings(o.WebOrigins...),
			AllowHeaders:  jsii.Strings("Authorization", "Content-Type", "Idempotency-Key"),
			AllowMethods:  &[]apigw.CorsHttpMethod{apigw.CorsHttpMethod_GET, apigw.CorsHttpMethod_POST, apigw.CorsHttpMethod_OPTIONS},
			ExposeHeaders: jsii.Strings("X-Request-Id", "Retry-After"),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		},
	})
	api.AddRoutes(&apigw.AddRoutesOptions{
		Path: jsii.String("/v1/{proxy+}"), Methods: &[]apigw.HttpMethod{apigw.HttpMethod_GET, apigw.HttpMethod_POST},
		Integration: integration, Authorizer: authorizer,
	})
	api.AddRoutes(&apigw.AddRoutesOptions{
		Path: jsii.String("/openapi.json"), Methods: &[]apigw.HttpMethod{apigw.HttpMethod_GET},
		Integration: integration, Authorizer: apigw.NewHttpNoneAuthorizer(),
	})

	out := func(name, desc string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("ApiUrl", "base URL of the openlot API", api.Url())
	out("UserPoolId", "Cognito user pool: create users and machine clients here", pool.UserPoolId())
	out("WebClientId", "app client for the web sign-in", webClient.UserPoolClientId())
	out("MachineClientIds", "machine clients as name=client ID (client credentials; secrets in the Cognito console)",
		awscdk.Fn_Join(jsii.String(","), &clientIDs))
	out("TokenUrl", "OAuth2 token endpoint for machine clients", jsii.String(tokenURL))
	out("BucketName", "S3 bucket for materials and deliveries", bucket.BucketName())
	out("TableName", "DynamoDB table", table.TableName())
	return stack
}

// mediaSteps run ffprobe or ffmpeg (the layer of context ffmpegLayerArn).
var mediaSteps = map[string]bool{"InspectExamine": true, "ProxyPlan": true, "ProxySegment": true, "ProxyFinish": true}

// newFunction declares one Go function (bin/lambda/<asset>/bootstrap) on arm64
// provided.al2023 with JSON logs, least-privilege access to the table and
// bucket (only the calls shared/dynamo and shared/s3blob make), and alarms
// on errors and throttles.
func newFunction(stack awscdk.Stack, name, asset, description string, o Options, env *map[string]*string,
	table awsdynamodb.Table, bucket awss3.Bucket, memory float64, timeout awscdk.Duration) awslambda.Function {
	logs := awslogs.NewLogGroup(stack, jsii.String(name+"Logs"), &awslogs.LogGroupProps{
		Retention: retention[o.LogRetentionDays], RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	fn := awslambda.NewFunction(stack, jsii.String(name), &awslambda.FunctionProps{
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(o.AssetDir, asset)), nil),
		MemorySize:    jsii.Number(memory),
		Timeout:       timeout,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		LogGroup:      logs,
		Description:   jsii.String(description),
		Environment:   env,
	})
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableReadWrite"),
		Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"),
		Resources: jsii.Strings(*table.TableArn(), *table.TableArn()+"/index/*"),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("FilesReadWrite"), // presigned URLs act with these rights too
		Actions: jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
			"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
		Resources: jsii.Strings(*bucket.ArnForObjects(jsii.String("*"))),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("FilesList"), // without it, HEAD of a missing key answers 403 instead of 404
		Actions:   jsii.Strings("s3:ListBucket"),
		Resources: jsii.Strings(*bucket.BucketArn()),
	}))
	if o.MailFrom != "" { // notifications: only from the sender identity (the address or its domain), through the set
		addr, _ := mail.ParseAddress(o.MailFrom)
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
	period := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
	for what, metric := range map[string]awscloudwatch.Metric{"Errors": fn.MetricErrors(period), "Throttles": fn.MetricThrottles(period)} {
		awscloudwatch.NewAlarm(stack, jsii.String(name+what), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(description + ": " + what + " in the last 5 minutes"),
			Metric:             metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
	}
	return fn
}

// FlowsDir holds the flows' ASL, rendered from their descriptions in
// shared/portal (a test there keeps the files equal to them).
const FlowsDir = "../shared/portal/flows"

// stepPlaceholder is how the ASL names a step's function: ${Step}.
var stepPlaceholder = regexp.MustCompile(`\$\{([A-Za-z][A-Za-z0-9]*)\}`)

// ReadFlows reads every flow's ASL and the steps it names.
func ReadFlows() (map[string]string, map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(FlowsDir, "*.asl.json"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("no flows in %s: %v", FlowsDir, err)
	}
	asl, steps := map[string]string{}, map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		if !json.Valid(b) {
			return nil, nil, fmt.Errorf("%s is not JSON", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".asl.json")
		asl[name] = string(b)
		for _, m := range stepPlaceholder.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(steps[name], m[1]) {
				steps[name] = append(steps[name], m[1])
			}
		}
	}
	return asl, steps, nil
}

// newFlows declares one state machine per flow and one function per step
// (the steps binary, OPENLOT_STEP naming the step), invoked directly by
// the machine. The examining step gets the ffmpeg layer when the context
// names one (ffmpegLayerArn), with the programs at /opt/bin.
func newFlows(stack awscdk.Stack, o Options, env *map[string]*string, table awsdynamodb.Table, bucket awss3.Bucket) (map[string]awsstepfunctions.StateMachine, error) {
	asl, steps, err := ReadFlows()
	if err != nil {
		return nil, err
	}
	var layer awslambda.ILayerVersion
	if o.FFmpegLayerArn != "" {
		layer = awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("FFmpeg"), jsii.String(o.FFmpegLayerArn))
	}
	functions := map[string]awslambda.Function{}
	out := map[string]awsstepfunctions.StateMachine{}
	names := slices.Sorted(maps.Keys(asl))
	for _, name := range names {
		subs := map[string]*string{}
		var fns []awslambda.Function
		for _, step := range steps[name] {
			fn, ok := functions[step]
			if !ok {
				stepEnv := map[string]*string{"OPENLOT_STEP": jsii.String(step)}
				for k, v := range *env {
					stepEnv[k] = v
				}
				memory, timeout := 512.0, awscdk.Duration_Minutes(jsii.Number(1))
				media := mediaSteps[step]
				switch {
				case step == "ProxySegment":
					memory = 3538 // two vCPUs for the encoder
				case media || step == "InspectIntegrity":
					memory = 2048 // reads whole files
				}
				if media || step == "InspectIntegrity" {
					timeout = awscdk.Duration_Minutes(jsii.Number(15))
				}
				if media {
					stepEnv["OPENLOT_FFPROBE"], stepEnv["OPENLOT_FFMPEG"] = jsii.String("/opt/bin/ffprobe"), jsii.String("/opt/bin/ffmpeg")
				}
				fn = newFunction(stack, "Step"+step, "steps", "openlot flow step "+step, o, &stepEnv, table, bucket, memory, timeout)
				if layer != nil && media {
					fn.AddLayers(layer)
				}
				if step == "ProxySegment" || step == "ProxyFinish" { // segments and the joined proxy are written to /tmp first
					fn.Node().DefaultChild().(awslambda.CfnFunction).SetEphemeralStorage(
						&awslambda.CfnFunction_EphemeralStorageProperty{Size: jsii.Number(10240)})
				}
				functions[step] = fn
			}
			subs[step] = fn.FunctionArn()
			fns = append(fns, fn)
		}
		m := awsstepfunctions.NewStateMachine(stack, jsii.String("Flow-"+name), &awsstepfunctions.StateMachineProps{
			Comment:                 jsii.String("openlot flow " + name),
			DefinitionBody:          awsstepfunctions.DefinitionBody_FromString(jsii.String(asl[name])),
			DefinitionSubstitutions: &subs,
			Timeout:                 awscdk.Duration_Days(jsii.Number(30)), // a secondary asset may wait days for its primary
		})
		for _, fn := range fns {
			fn.GrantInvoke(m)
		}
		out[name] = m
	}
	return out, nil
}
