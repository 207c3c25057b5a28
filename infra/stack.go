package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/web"
)

// NewStack declares openlot on AWS: the state (table, buckets), sign-in
// (Cognito), the flows (one state machine each, one function per step), the
// functions that answer the API (and its exports), storage events, access
// logs and the daily schedule, and the HTTP API in front.
func NewStack(scope constructs.Construct, id string, props *awscdk.StackProps, o Options) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	st := newStorage(stack, o)
	http := newHTTPAPI(stack, o)
	users := newSignIn(stack, o, *http.Url())
	env := functionEnv(o, st, users.tokenURL)
	machines, err := newFlows(stack, o, env, st)
	if err != nil {
		panic(err) // OptionsFrom read the files already; this is a broken checkout
	}
	st.machines = machines
	// The functions that answer HTTP also serve the portal, whose
	// /config.json names the user pool and the web client.
	portal := portalEnv(users)
	api := newAPIFunctions(stack, o, env, portal, st, machines)
	export := newExportFunction(stack, o, with(env, portal), st)
	newAccessLogReader(stack, o, env, st)
	newDailyDigest(stack, o, env, st)
	public := addRoutes(http, users, api, export)
	logHTTPAPI(stack, o, http)
	newDashboard(stack, http, st.table, machines, *st.functions)
	newOutputs(stack, st, users, http)
	suppressStackFindings(stack, users, public)
	return stack
}

// storage is where openlot keeps its state.
type storage struct {
	table awsdynamodb.Table
	files awss3.Bucket // materials and deliveries
	logs  awss3.Bucket // the files bucket's server access logs
	// machines are the flows' state machines by name (set once declared;
	// the step functions, declared with them, start none).
	machines map[string]awsstepfunctions.StateMachine
	// functions collects every function newFunction declares (the dashboard's lines).
	functions *[]awslambda.Function
}

// removal is what deleting the stack does to the state.
func removal(o Options) awscdk.RemovalPolicy {
	if o.Retain {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}

// newStorage declares one table (shared/dynamo/DESIGN.md), the files bucket
// and the bucket of its access logs.
func newStorage(stack awscdk.Stack, o Options) storage {
	table := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String(o.Schema.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:                          &awsdynamodb.Attribute{Name: jsii.String(o.Schema.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		TimeToLiveAttribute:              jsii.String(o.Schema.TTLAttribute),
		DeletionProtection:               jsii.Bool(o.DeletionProtection),
		RemovalPolicy:                    removal(o),
	})
	for _, ix := range o.Schema.Indexes {
		projected := o.Schema.Projected
		if ix.Projected != nil {
			projected = ix.Projected
		}
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:        jsii.String(ix.Name),
			PartitionKey:     &awsdynamodb.Attribute{Name: jsii.String(ix.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
			SortKey:          &awsdynamodb.Attribute{Name: jsii.String(ix.SortKey), Type: awsdynamodb.AttributeType_STRING},
			ProjectionType:   awsdynamodb.ProjectionType_INCLUDE,
			NonKeyAttributes: jsii.Strings(projected...),
		})
	}

	// Access logs of the files bucket (read for truthful "Downloaded"), kept 90 days.
	logs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		RemovalPolicy:     removal(o),
		LifecycleRules:    &[]*awss3.LifecycleRule{{Id: jsii.String("expire-access-logs"), Expiration: awscdk.Duration_Days(jsii.Number(90))}},
	})

	// Files: private, encrypted, TLS only; browsers PUT and GET through presigned URLs.
	files := awss3.NewBucket(stack, jsii.String("Files"), &awss3.BucketProps{
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("access/"),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:          removal(o),
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
	return storage{table: table, files: files, logs: logs, functions: &[]awslambda.Function{}}
}

// users is who may sign in and how.
type users struct {
	pool      awscognito.UserPool
	webClient awscognito.UserPoolClient
	clients   []awscognito.IUserPoolClient // the JWT authorizer's audiences: the web client and the machine clients
	clientIDs []*string                    // name=client ID of each machine client
	tokenURL  string
}

// newSignIn declares the user pool: users (role groups, partner attribute)
// and machine clients (scopes of the openlot resource server), and the
// hosted domain with the token endpoint. The web client (the portal, code +
// PKCE) sends people back to the callback URLs of the context, of the
// public URL and of the deployed API (apiURL ends in /), which serves the
// portal.
func newSignIn(stack awscdk.Stack, o Options, apiURL string) users {
	pool := awscognito.NewUserPool(stack, jsii.String("Users"), &awscognito.UserPoolProps{
		SelfSignUpEnabled: jsii.Bool(false),
		SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		AccountRecovery:   awscognito.AccountRecovery_EMAIL_ONLY,
		PasswordPolicy: &awscognito.PasswordPolicy{MinLength: jsii.Number(12), RequireLowercase: jsii.Bool(true),
			RequireUppercase: jsii.Bool(true), RequireDigits: jsii.Bool(true), RequireSymbols: jsii.Bool(true)},
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"partner":     awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(64)}),
			"permissions": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(256)}),
		},
		DeletionProtection: jsii.Bool(o.DeletionProtection),
		RemovalPolicy:      removal(o),
	})
	for _, g := range Groups {
		awscognito.NewCfnUserPoolGroup(stack, jsii.String("Group-"+g), &awscognito.CfnUserPoolGroupProps{
			UserPoolId: pool.UserPoolId(), GroupName: jsii.String(g),
			Description: jsii.String("openlot role " + g),
		})
	}
	server, scope := newResourceServer(pool, o)
	u := users{pool: pool}
	u.webClient = pool.AddClient(jsii.String("Web"), &awscognito.UserPoolClientOptions{
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
			CallbackUrls: jsii.Strings(webURLs(o, apiURL, web.CallbackPath)...),
			LogoutUrls:   jsii.Strings(webURLs(o, apiURL, signedOutPath)...),
		},
	})
	u.clients = []awscognito.IUserPoolClient{u.webClient}
	for _, c := range o.MachineClients {
		granted := []awscognito.OAuthScope{awscognito.OAuthScope_ResourceServer(server, scope["role."+c.Role])}
		if c.Partner != "" {
			granted = append(granted, awscognito.OAuthScope_ResourceServer(server, scope["partner."+c.Partner]))
		}
		for _, p := range c.Permissions {
			granted = append(granted, awscognito.OAuthScope_ResourceServer(server, scope[p]))
		}
		mc := pool.AddClient(jsii.String("Machine-"+c.Name), &awscognito.UserPoolClientOptions{
			UserPoolClientName: jsii.String(c.Name),
			GenerateSecret:     jsii.Bool(true),
			OAuth:              &awscognito.OAuthSettings{Flows: &awscognito.OAuthFlows{ClientCredentials: jsii.Bool(true)}, Scopes: &granted},
		})
		u.clients = append(u.clients, mc)
		u.clientIDs = append(u.clientIDs, awscdk.Fn_Join(jsii.String("="), jsii.Strings(c.Name, *mc.UserPoolClientId())))
	}
	prefix := o.AuthDomainPrefix
	if prefix == "" {
		prefix = *awscdk.Fn_Join(jsii.String("-"), jsii.Strings("openlot", *awscdk.Aws_ACCOUNT_ID()))
	}
	domain := pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
		CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(prefix)},
	})
	u.tokenURL = *domain.BaseUrl(nil) + "/oauth2/token"
	return u
}

// signedOutPath is the portal's page after sign-out (web/src/lib/auth.ts).
const signedOutPath = "/signed-out"

// webURLs returns the portal's URLs ending in path that the web client
// accepts: the context's callback URLs (with path in place of theirs), the
// public URL's and the deployed API's (apiURL, a token ending in /).
func webURLs(o Options, apiURL, path string) []string {
	var out []string
	for _, u := range o.CallbackURLs {
		if path != web.CallbackPath {
			base, ok := strings.CutSuffix(u, web.CallbackPath)
			if !ok {
				continue // a callback the context names elsewhere: its sign-out page is unknown
			}
			u = base + path
		}
		out = append(out, u)
	}
	if o.PublicURL != "" {
		out = append(out, strings.TrimSuffix(o.PublicURL, "/")+path)
	}
	return append(out, apiURL+strings.TrimPrefix(path, "/"))
}

// newResourceServer declares the openlot scopes a machine client may be
// granted: a role each, cancel and subassign, and one per partner that a
// machine client acts for. It returns the scopes by name.
func newResourceServer(pool awscognito.UserPool, o Options) (awscognito.UserPoolResourceServer, map[string]awscognito.ResourceServerScope) {
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
	return server, byName
}

// functionEnv is the environment every function gets (names in
// shared/awsenv): the table, the bucket, the token endpoint, and the
// options the context gives.
func functionEnv(o Options, st storage, tokenURL string) map[string]*string {
	env := map[string]*string{
		awsenv.Table:     st.table.TableName(),
		awsenv.Bucket:    st.files.BucketName(),
		awsenv.TokenURL:  jsii.String(tokenURL),
		awsenv.ProxyPool: jsii.String(o.ProxyPool),
	}
	for k, v := range map[string]string{awsenv.MailFrom: o.MailFrom, awsenv.SESConfigurationSet: o.SESConfigurationSet,
		awsenv.PublicURL: o.PublicURL} {
		if v != "" {
			env[k] = jsii.String(v)
		}
	}
	return env
}

// portalEnv tells the portal where people sign in: the user pool's issuer
// and the web client (shared/gateway.PortalConfig reads them).
func portalEnv(u users) map[string]*string {
	return map[string]*string{
		awsenv.WebIssuer:   u.pool.UserPoolProviderUrl(),
		awsenv.WebClientID: u.webClient.UserPoolClientId(),
	}
}

// with returns env and the variables more, in a new map.
func with(env map[string]*string, more map[string]*string) map[string]*string {
	out := make(map[string]*string, len(env)+len(more))
	for k, v := range env {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// newAPIFunctions declares the API's function and the storage-event safety
// net for deliveries; both start flows (a completed transfer its
// inspection, a QC decision its outcome), so both know the state machines.
// It returns the API's function, which also gets portal (the portal's
// sign-in, portalEnv).
func newAPIFunctions(stack awscdk.Stack, o Options, env, portal map[string]*string, st storage, machines map[string]awsstepfunctions.StateMachine) awslambda.Function {
	arns := map[string]*string{}
	for name, m := range machines {
		arns[name] = m.StateMachineArn()
	}
	flowEnv := with(env, map[string]*string{awsenv.StateMachines: stack.ToJsonString(arns, nil)})
	api := newFunction(stack, o, st, function{name: "Api", asset: "api", description: "openlot HTTP API", env: with(flowEnv, portal),
		memoryMB: 512, timeoutSeconds: 29}) // API Gateway waits 30 s at most
	events := newFunction(stack, o, st, function{name: "S3Events", asset: "s3events", description: "openlot: completes deliveries assembled in storage",
		env: flowEnv, memoryMB: 1024, timeoutSeconds: 900}) // hashes whole files
	st.files.AddEventNotification(awss3.EventType_OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD, awss3notifications.NewLambdaDestination(events),
		&awss3.NotificationKeyFilter{Prefix: jsii.String("deliveries/")})
	return api
}

// exportRoute is the one route the export function answers (shared/httpapi's
// exportRequests); API Gateway prefers it to /v1/{proxy+}.
const exportRoute = "/v1/requests/export"

// newExportFunction declares the function that answers exportRoute: the
// API's handler with the Excel workbook writer, apart so that the API's
// function links no excelize. It has the table and bucket rights every
// function has (it reads requests and keeps idempotency keys in the table)
// and starts no flows.
func newExportFunction(stack awscdk.Stack, o Options, env map[string]*string, st storage) awslambda.Function {
	return newFunction(stack, o, st, function{name: "Export", asset: "export", description: "openlot: request exports (XLSX, CSV)", env: env,
		memoryMB: 512, timeoutSeconds: 29}) // API Gateway waits 30 s at most
}

// newAccessLogReader declares "Downloaded" on AWS: the files bucket's
// server access logs go to their own bucket; each new log object is read
// once by accesslog, which adds up the bytes each tagged download URL sent.
func newAccessLogReader(stack awscdk.Stack, o Options, env map[string]*string, st storage) {
	fn := newFunction(stack, o, st, function{name: "AccessLog", asset: "accesslog", description: "openlot: download bytes from S3 server access logs",
		env: env, memoryMB: 512, timeoutSeconds: 300})
	st.logs.AddEventNotification(awss3.EventType_OBJECT_CREATED, awss3notifications.NewLambdaDestination(fn),
		&awss3.NotificationKeyFilter{Prefix: jsii.String("access/")})
}

// newDailyDigest declares the daily digest: one mail per partner user, at
// 06:00 UTC.
func newDailyDigest(stack awscdk.Stack, o Options, env map[string]*string, st storage) {
	fn := newFunction(stack, o, st, function{name: "Digest", asset: "digest", description: "openlot: the daily digest of requests turning at risk or critical",
		env: env, memoryMB: 1024, timeoutSeconds: 900})
	awsevents.NewRule(stack, jsii.String("DailyDigest"), &awsevents.RuleProps{
		Description: jsii.String("openlot daily digest"),
		Schedule:    awsevents.Schedule_Cron(&awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("6")}),
		Targets:     &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, nil)},
	})
}

// newHTTPAPI declares the HTTP API; addRoutes gives it its routes once the
// functions behind them exist.
func newHTTPAPI(stack awscdk.Stack, o Options) apigw.HttpApi {
	return apigw.NewHttpApi(stack, jsii.String("Http"), &apigw.HttpApiProps{
		Description: jsii.String("openlot API and portal"),
		CorsPreflight: &apigw.CorsPreflightOptions{
			AllowOrigins: jsii.Strings(o.WebOrigins...),
			AllowHeaders: jsii.Strings("Authorization", "Content-Type", "Idempotency-Key"),
			AllowMethods: &[]apigw.CorsHttpMethod{apigw.CorsHttpMethod_GET, apigw.CorsHttpMethod_POST, apigw.CorsHttpMethod_PUT,
				apigw.CorsHttpMethod_DELETE, apigw.CorsHttpMethod_OPTIONS},
			ExposeHeaders: jsii.Strings("X-Request-Id", "Retry-After"),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		},
	})
}

// addRoutes sends the API's routes to the API's function, and exportRoute
// to the export function: every /v1 route needs a Cognito token (users' ID
// tokens from the web client, machine clients' access tokens). The API
// document and the portal are public: GET / and GET /{proxy+} reach the
// API's function without the authorizer, which serves the portal's pages,
// assets and /config.json (package web). API Gateway takes the most
// specific route, so GET /v1/… still goes through /v1/{proxy+} and its
// authorizer; only GET /v1 itself falls to /{proxy+}, where the handler
// answers not_found.
//
// It returns the public routes.
func addRoutes(api apigw.HttpApi, u users, fn, export awslambda.Function) []apigw.HttpRoute {
	authorizer := awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String("Cognito"), u.pool,
		&awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{
			UserPoolClients: &u.clients,
		})
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("ApiIntegration"), fn,
		&awsapigatewayv2integrations.HttpLambdaIntegrationProps{PayloadFormatVersion: apigw.PayloadFormatVersion_VERSION_2_0()})
	api.AddRoutes(&apigw.AddRoutesOptions{
		Path: jsii.String("/v1/{proxy+}"),
		Methods: &[]apigw.HttpMethod{apigw.HttpMethod_GET, apigw.HttpMethod_POST, apigw.HttpMethod_PUT,
			apigw.HttpMethod_DELETE}, // PUT and DELETE: saved templates
		Integration: integration, Authorizer: authorizer,
	})
	api.AddRoutes(&apigw.AddRoutesOptions{
		Path: jsii.String(exportRoute), Methods: &[]apigw.HttpMethod{apigw.HttpMethod_POST},
		Integration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("ExportIntegration"), export,
			&awsapigatewayv2integrations.HttpLambdaIntegrationProps{PayloadFormatVersion: apigw.PayloadFormatVersion_VERSION_2_0()}),
		Authorizer: authorizer,
	})
	public := apigw.NewHttpNoneAuthorizer()
	var routes []apigw.HttpRoute
	for _, path := range []string{"/openapi.json", "/", "/{proxy+}"} {
		routes = append(routes, *api.AddRoutes(&apigw.AddRoutesOptions{
			Path: jsii.String(path), Methods: &[]apigw.HttpMethod{apigw.HttpMethod_GET},
			Integration: integration, Authorizer: public,
		})...)
	}
	return routes
}

// newOutputs declares what the stack prints: where the API, sign-in and
// state are.
func newOutputs(stack awscdk.Stack, st storage, u users, api apigw.HttpApi) {
	out := func(name, desc string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("ApiUrl", "base URL of the openlot API", api.Url())
	out("UserPoolId", "Cognito user pool: create users and machine clients here", u.pool.UserPoolId())
	out("WebClientId", "app client for the web sign-in", u.webClient.UserPoolClientId())
	out("MachineClientIds", "machine clients as name=client ID (client credentials; secrets in the Cognito console)",
		awscdk.Fn_Join(jsii.String(","), &u.clientIDs))
	out("TokenUrl", "OAuth2 token endpoint for machine clients", jsii.String(u.tokenURL))
	out("BucketName", "S3 bucket for materials and deliveries", st.files.BucketName())
	out("TableName", "DynamoDB table", st.table.TableName())
}
