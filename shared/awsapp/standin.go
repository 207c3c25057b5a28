package awsapp

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/s3blob"
)

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
