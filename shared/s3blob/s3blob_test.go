package s3blob_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/s3blob"
	"github.com/openlot/openlot/shared/standin"
)

func TestBlobContract(t *testing.T) {
	// Ensures the S3 store keeps every promise of the lot.Blobs contract over
	// the wire against MinIO, which verifies SigV4 signatures, expiry and checksums.
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(os.Getenv(standin.S3KeyEnv), os.Getenv(standin.S3SecretEnv), ""),
		BaseEndpoint: aws.String(standin.Endpoint(t, standin.S3Env)),
	}
	s := s3blob.New(cfg, fmt.Sprintf("openlot-test-%d", time.Now().UnixNano()), s3blob.Options{PathStyle: true})
	if err := s.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, func(t *testing.T) lot.Blobs { return s })
}
