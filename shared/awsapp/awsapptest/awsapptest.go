// Package awsapptest builds openlot's AWS side over the local stand-ins
// (dynalite, MinIO) for the functions' tests.
package awsapptest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/standin"
)

// Cloud is awsapp.New over the stand-ins, on a new table and bucket named
// for name; it skips the test when the stand-ins are not running.
func Cloud(t testing.TB, name string) *awsapp.Cloud {
	t.Helper()
	env := map[string]string{
		awsenv.Table: "openlot-" + name + "-" + time.Now().Format("150405.000000"), awsenv.Bucket: "openlot-" + name,
		awsenv.DynamoEndpoint: standin.Endpoint(t, standin.DynamoDBEnv), awsenv.S3Endpoint: standin.Endpoint(t, standin.S3Env),
		"AWS_REGION": "us-east-1", awsenv.LogLevel: "error",
	}
	t.Setenv("AWS_ACCESS_KEY_ID", os.Getenv(standin.S3KeyEnv))
	t.Setenv("AWS_SECRET_ACCESS_KEY", os.Getenv(standin.S3SecretEnv))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	cloud, err := awsapp.New(ctx, func(k string) string { return env[k] })
	if err == nil {
		err = cloud.Store.CreateTable(ctx)
	}
	if err == nil {
		err = cloud.Blobs.CreateBucket(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return cloud
}
