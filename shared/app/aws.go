package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openlot/openlot/shared/accesslog"
	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/s3blob"
	"github.com/openlot/openlot/shared/search"
	"github.com/openlot/openlot/shared/sesmail"
	"github.com/openlot/openlot/shared/sfnflow"
)

// Environment variables the stack (infra/) sets on every function.
const (
	EnvTable    = "OPENLOT_TABLE"     // DynamoDB table name
	EnvBucket   = "OPENLOT_BUCKET"    // S3 bucket name
	EnvTokenURL = "OPENLOT_TOKEN_URL" // Cognito token endpoint, shown in the API document
	EnvLogLevel = "OPENLOT_LOG_LEVEL" // debug, info (default), warn, error
	// EnvBucketRules sets the bucket thresholds in days: critical,atRisk,materials
	// (default 2,7,10).
	EnvBucketRules = "OPENLOT_BUCKET_RULES"
	// Endpoint overrides, for S3- and DynamoDB-compatible stand-ins only.
	EnvDynamoEndpoint = "OPENLOT_DYNAMODB_ENDPOINT"
	EnvS3Endpoint     = "OPENLOT_S3_ENDPOINT"
	// EnvStateMachines is a JSON object of flow name → state machine ARN;
	// without it completed transfers wait in Pending Inspection.
	EnvStateMachines = "OPENLOT_STATE_MACHINES"
	// EnvFFprobe and EnvFFmpeg locate the programs (a Lambda layer puts them
	// in /opt/bin; default: on PATH).
	EnvFFprobe = "OPENLOT_FFPROBE"
	EnvFFmpeg  = "OPENLOT_FFMPEG"
	// EnvStep names the flow step a steps function runs.
	EnvStep = "OPENLOT_STEP"
	// EnvMailFrom is the SES sender identity ("openlot <no-reply@example.com>");
	// without it no mail is sent. EnvSESConfigurationSet names an optional
	// configuration set.
	EnvMailFrom            = "OPENLOT_MAIL_FROM"
	EnvSESConfigurationSet = "OPENLOT_SES_CONFIGURATION_SET"
	// EnvPublicURL is the API's base URL, for links in mail.
	EnvPublicURL = "OPENLOT_PUBLIC_URL"
	// EnvProxyPool is how many proxies are made in advance per proxy video (default 2).
	EnvProxyPool = "OPENLOT_PROXY_POOL"
)

// Cloud is openlot on AWS: the adapters and the API handler a function needs.
type Cloud struct {
	Store *dynamo.Store
	Blobs *s3blob.Store
	// BucketBlobs opens another bucket with the same settings (the access logs).
	BucketBlobs func(bucket string) *s3blob.Store
	Service     *portal.Service
	Handler     http.Handler
	Log         *slog.Logger
}

// AWS builds the AWS adapters from the environment (read only through env,
// e.g. os.Getenv) and the API handler on top of them. Credentials and region
// come from the SDK's default chain, which in Lambda is the function's role.
func AWS(ctx context.Context, env func(string) string) (*Cloud, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(env(EnvLogLevel))); err != nil || env(EnvLogLevel) == "" {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	table, bucket := env(EnvTable), env(EnvBucket)
	if table == "" || bucket == "" {
		return nil, fmt.Errorf("%s and %s must name the table and bucket (the stack sets them)", EnvTable, EnvBucket)
	}
	opts := []func(*config.LoadOptions) error{}
	if r := env("AWS_REGION"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	dcfg, scfg := cfg.Copy(), cfg.Copy()
	if e := env(EnvDynamoEndpoint); e != "" {
		dcfg.BaseEndpoint = aws.String(e)
	}
	s3opt := s3blob.Options{}
	if e := env(EnvS3Endpoint); e != "" {
		scfg.BaseEndpoint = aws.String(e)
		s3opt.PathStyle = true
	}
	c := &Cloud{
		Store:       dynamo.New(dcfg, table, dynamo.Options{Log: log}),
		Blobs:       s3blob.New(scfg, bucket, s3opt),
		BucketBlobs: func(b string) *s3blob.Store { return s3blob.New(scfg, b, s3opt) },
		Log:         log,
	}
	c.Service = portal.New(c.Store, lot.SystemClock, ids.V7{}, log)
	c.Service.Blobs = c.Blobs
	c.Service.Media = ffmpeg.Media{FFprobe: env(EnvFFprobe), FFmpeg: env(EnvFFmpeg)}
	machines, err := sfnflow.ParseMachines(env(EnvStateMachines))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvStateMachines, err)
	}
	if len(machines) > 0 {
		c.Service.Flows = sfnflow.Flows{Client: sfn.NewFromConfig(cfg), Machines: machines}
	}
	if from := env(EnvMailFrom); from != "" {
		addr, err := mail.ParseAddress(from)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvMailFrom, err)
		}
		c.Service.Mailer = &sesmail.Mailer{Client: sesv2.NewFromConfig(cfg), From: *addr, ConfigurationSet: env(EnvSESConfigurationSet)}
	}
	c.Service.PublicURL = strings.TrimSuffix(env(EnvPublicURL), "/")
	if v := env(EnvProxyPool); v != "" {
		if c.Service.PoolSize, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvProxyPool, err)
		}
	}
	if v := env(EnvBucketRules); v != "" {
		if c.Service.Rules, err = ParseRules(v); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvBucketRules, err)
		}
	}
	c.Handler = httpapi.New(httpapi.Config{
		Service: c.Service, Auth: GatewayClaims{}, Keys: c.Store, Clock: lot.SystemClock, Log: log,
		TokenURL: env(EnvTokenURL),
	})
	return c, nil
}

// Start builds the AWS adapters from the environment and runs the Lambda
// handler handler(cloud) gives; a function that cannot start logs why and
// exits. Every functions/*/main.go is this one call.
func Start(name string, handler func(*Cloud) (any, error)) {
	cloud, err := AWS(context.Background(), os.Getenv)
	var h any
	if err == nil {
		h, err = handler(cloud)
	}
	if err != nil {
		slog.Error("openlot "+name+" cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// GatewayClaims authenticates with the claims API Gateway's JWT authorizer
// verified (Cognito users and machine clients); the token itself is not
// checked again.
type GatewayClaims struct{}

// Authenticate maps the authorizer's claims through auth.FromClaims.
func (GatewayClaims) Authenticate(_ context.Context, r *http.Request) (lot.Principal, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil || len(rc.Authorizer.JWT.Claims) == 0 {
		return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "sign in: the request carries no verified token")
	}
	claims := make(map[string]any, len(rc.Authorizer.JWT.Claims)+1)
	for k, v := range rc.Authorizer.JWT.Claims {
		claims[k] = v
	}
	if _, has := claims[auth.ClaimScope]; !has && len(rc.Authorizer.JWT.Scopes) > 0 {
		claims[auth.ClaimScope] = strings.Join(rc.Authorizer.JWT.Scopes, " ")
	}
	return auth.FromClaims(claims)
}

// APIGateway adapts h to API Gateway HTTP API (payload 2.0) events.
func APIGateway(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return httpadapter.NewV2(h).ProxyWithContext
}

// StandInDynamo opens a store on a new table in a DynamoDB-compatible stand-in
// (dynalite) at endpoint, for the search benchmark. calls counts the
// DynamoDB operations it makes by name (Query, GetItem, Scan…).
func StandInDynamo(ctx context.Context, endpoint, table string, calls *sync.Map) (*dynamo.Store, error) {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("bench", "bench", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   &http.Client{Transport: countCalls{calls}},
	}
	s := dynamo.New(cfg, table, dynamo.Options{})
	if err := s.CreateTable(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

type countCalls struct{ calls *sync.Map }

func (c countCalls) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.calls != nil {
		op := r.Header.Get("X-Amz-Target")
		op = op[strings.LastIndex(op, ".")+1:]
		n, _ := c.calls.LoadOrStore(op, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// ParseRules reads bucket thresholds as "critical,atRisk,materials" days, e.g. "2,7,10".
func ParseRules(s string) (search.Rules, error) {
	var r search.Rules
	if _, err := fmt.Sscanf(strings.ReplaceAll(s, " ", ""), "%d,%d,%d", &r.CriticalDays, &r.AtRiskDays, &r.MaterialsDays); err != nil ||
		r.CriticalDays < 0 || r.AtRiskDays < r.CriticalDays || r.MaterialsDays < 0 || r.MaterialsDays > 365 || r.AtRiskDays > 365 {
		return r, fmt.Errorf("bucket rules %q: want critical,atRisk,materials days, e.g. 2,7,10 (0 ≤ critical ≤ atRisk ≤ 365)", s)
	}
	return r, nil
}

// StandInS3 opens a blob store on a new bucket of an S3-compatible stand-in
// (MinIO) at endpoint, for tests that deliver over S3.
func StandInS3(ctx context.Context, endpoint, key, secret, bucket string) (*s3blob.Store, error) {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(endpoint),
	}
	s := s3blob.New(cfg, bucket, s3blob.Options{PathStyle: true})
	return s, s.CreateBucket(ctx)
}

// S3Events handles the bucket's object-created events: a delivered file
// assembled by CompleteMultipartUpload completes its transfer if the client
// did not (idempotent; other keys are ignored).
func S3Events(c *Cloud) func(context.Context, events.S3Event) error {
	return func(ctx context.Context, e events.S3Event) error {
		for _, o := range c.created(ctx, e) {
			done, err := c.Service.CompleteFromStorage(ctx, o.key)
			if err != nil {
				c.Log.ErrorContext(ctx, "complete from storage", "key", o.key, "err", err)
				return err // the event is delivered again
			}
			c.Log.InfoContext(ctx, "s3 event", "key", o.key, "completed", done)
		}
		return nil
	}
}

type createdObject struct{ bucket, key string }

// created lists the objects an S3 event says were created, keys unescaped;
// a malformed key is logged and left out.
func (c *Cloud) created(ctx context.Context, e events.S3Event) []createdObject {
	var out []createdObject
	for _, r := range e.Records {
		if !strings.HasPrefix(r.EventName, "ObjectCreated:") {
			continue
		}
		key, err := url.QueryUnescape(r.S3.Object.Key)
		if err != nil {
			c.Log.WarnContext(ctx, "s3 event with a malformed key", "key", r.S3.Object.Key)
			continue
		}
		out = append(out, createdObject{r.S3.Bucket.Name, key})
	}
	return out
}

// AccessLogs is the handler of the access-log bucket's object-created
// events: each new log object is read once (its key is claimed, so an
// event delivered again counts nothing twice) and the bytes every tagged
// download URL sent are added to its download, which completes when they
// reach its size.
func AccessLogs(c *Cloud) func(context.Context, events.S3Event) error {
	return func(ctx context.Context, e events.S3Event) error {
		for _, o := range c.created(ctx, e) {
			var n int
			read, err := c.Service.Once(ctx, "accesslog/"+o.bucket+"/"+o.key, 30*24*time.Hour, func() (err error) {
				n, err = c.readAccessLog(ctx, o.bucket, o.key)
				return err
			})
			if err != nil {
				c.Log.ErrorContext(ctx, "access log", "key", o.key, "err", err)
				return err // the event is delivered again
			}
			c.Log.InfoContext(ctx, "access log", "key", o.key, "read", read, "downloads", n)
		}
		return nil
	}
}

func (c *Cloud) readAccessLog(ctx context.Context, bucket, key string) (int, error) {
	rc, err := c.BucketBlobs(bucket).Read(ctx, key, 0, -1)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	recs, skipped, err := accesslog.Parse(rc)
	if err != nil {
		return 0, err
	}
	if skipped > 0 {
		c.Log.WarnContext(ctx, "access log lines skipped", "key", key, "lines", skipped)
	}
	sent := accesslog.Sent(recs, s3blob.TagParam)
	for id, n := range sent {
		c.Service.DownloadBytes(ctx, id, n)
	}
	return len(sent), nil
}

// Digest is the handler of the daily schedule: it sends the digests.
func Digest(c *Cloud) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		n, err := c.Service.SendDigests(ctx)
		if err != nil {
			c.Log.ErrorContext(ctx, "daily digests", "sent", n, "err", err)
			return nil, err
		}
		c.Log.InfoContext(ctx, "daily digests sent", "mails", n)
		return map[string]int{"sent": n}, nil
	}
}

// FlowStep is the Lambda handler of one flow step: the state's input in,
// its result out. A step's named error (flow.Error) reaches Step Functions
// as the function's errorType, which the state machine's Retry and Catch
// match, as the local runner does.
func FlowStep(c *Cloud, step string) (func(context.Context, json.RawMessage) (json.RawMessage, error), error) {
	fn, ok := c.Service.Steps()[step]
	if !ok {
		return nil, fmt.Errorf("no flow step %q", step)
	}
	return func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		out, err := fn(ctx, in)
		if err != nil {
			fe := flow.AsError(err)
			c.Log.WarnContext(ctx, "flow step failed", "step", step, "error", fe.Name, "cause", fe.Cause)
			return nil, messages.InvokeResponse_Error{Type: fe.Name, Message: fe.Cause}
		}
		return out, nil
	}, nil
}
