// Package awsapp is openlot's composition root on AWS: it builds the AWS
// adapters (DynamoDB, S3, Step Functions, SES) and the use cases on top of
// them from the environment the stack sets (names in shared/awsenv), and
// starts a Lambda function's handler. Each function's handler lives beside
// it in functions/<name>; the local composition is shared/app, which a
// function never links.
package awsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/s3blob"
	"github.com/openlot/openlot/shared/search"
	"github.com/openlot/openlot/shared/sesmail"
	"github.com/openlot/openlot/shared/sfnflow"
)

// Cloud is openlot on AWS: the adapters and use cases a function needs.
type Cloud struct {
	Store *dynamo.Store
	Blobs *s3blob.Store
	// BucketBlobs opens another bucket with the same settings (the access logs).
	BucketBlobs func(bucket string) *s3blob.Store
	Service     *portal.Service
	Log         *slog.Logger
	// Env is the environment the adapters were built from, for the
	// variables one function reads alone (awsenv.Step, awsenv.TokenURL…).
	Env func(string) string
}

// New builds the AWS adapters from the environment (read only through env,
// e.g. os.Getenv) and the use cases on top of them. Credentials and region
// come from the SDK's default chain, which in Lambda is the function's role.
// Media is left to the flow steps that read and make it (functions/steps
// sets ffmpeg); elsewhere it only says that proxies can be made.
func New(ctx context.Context, env func(string) string) (*Cloud, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(env(awsenv.LogLevel))); err != nil || env(awsenv.LogLevel) == "" {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	table, bucket := env(awsenv.Table), env(awsenv.Bucket)
	if table == "" || bucket == "" {
		return nil, fmt.Errorf("%s and %s must name the table and bucket (the stack sets them)", awsenv.Table, awsenv.Bucket)
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
	if e := env(awsenv.DynamoEndpoint); e != "" {
		dcfg.BaseEndpoint = aws.String(e)
	}
	s3opt := s3blob.Options{}
	if e := env(awsenv.S3Endpoint); e != "" {
		scfg.BaseEndpoint = aws.String(e)
		s3opt.PathStyle = true
	}
	c := &Cloud{
		Store:       dynamo.New(dcfg, table, dynamo.Options{Log: log}),
		Blobs:       s3blob.New(scfg, bucket, s3opt),
		BucketBlobs: func(b string) *s3blob.Store { return s3blob.New(scfg, b, s3opt) },
		Log:         log,
		Env:         env,
	}
	c.Service = portal.New(c.Store, lot.SystemClock, ids.V7{}, log)
	c.Service.Deps.Blobs = c.Blobs
	c.Service.Deps.Media = mediaInSteps{}
	machines, err := sfnflow.ParseMachines(env(awsenv.StateMachines))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", awsenv.StateMachines, err)
	}
	if len(machines) > 0 {
		c.Service.Deps.Flows = sfnflow.Flows{Client: sfn.NewFromConfig(cfg), Machines: machines}
	}
	if from := env(awsenv.MailFrom); from != "" {
		addr, err := mail.ParseAddress(from)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", awsenv.MailFrom, err)
		}
		c.Service.Deps.Mailer = &sesmail.Mailer{Client: sesv2.NewFromConfig(cfg), From: *addr, ConfigurationSet: env(awsenv.SESConfigurationSet)}
	}
	c.Service.Deps.PublicURL = strings.TrimSuffix(env(awsenv.PublicURL), "/")
	if v := env(awsenv.ProxyPool); v != "" {
		if c.Service.Deps.PoolSize, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("%s: %w", awsenv.ProxyPool, err)
		}
	}
	if v := env(awsenv.BucketRules); v != "" {
		if c.Service.Deps.Rules, err = search.ParseRules(v); err != nil {
			return nil, fmt.Errorf("%s: %w", awsenv.BucketRules, err)
		}
	}
	return c, nil
}

// Start builds the AWS adapters from the process's environment and runs the
// Lambda handler handler(cloud) gives; a function that cannot start logs why
// and exits. Every functions/*/main.go is this one call.
func Start(name string, handler func(*Cloud) (any, error)) {
	cloud, err := New(context.Background(), os.Getenv)
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

// errMediaInSteps is what a function without ffmpeg answers when asked to
// read media.
var errMediaInSteps = errors.New("media is read only by the flow steps' functions (the ffmpeg layer)")

// mediaInSteps is the Media of the functions that only start flows (the
// API, storage events): the flow steps' functions read and make media with
// ffmpeg from their layer, so here Media only tells the use cases that
// proxies can be made, and is never asked to read.
type mediaInSteps struct{}

func (mediaInSteps) Probe(context.Context, string) (lot.MediaInfo, error) {
	return lot.MediaInfo{}, errMediaInSteps
}

func (mediaInSteps) Detect(context.Context, string, lot.DetectOptions) (lot.Detection, error) {
	return lot.Detection{}, errMediaInSteps
}
