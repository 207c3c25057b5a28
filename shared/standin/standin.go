// Package standin finds the local AWS stand-ins (dynalite, MinIO) that the
// test command starts on loopback. Tests call it; production code never does.
// It imports no AWS SDK: the adapters' tests build their own clients.
package standin

import (
	"os"
	"testing"
)

// Environment variables the test command (scripts/test.sh) sets.
const (
	DynamoDBEnv = "OPENLOT_TEST_DYNAMODB" // http://127.0.0.1:port of dynalite
	S3Env       = "OPENLOT_TEST_S3"       // http://127.0.0.1:port of MinIO
	S3KeyEnv    = "OPENLOT_TEST_S3_KEY"   // MinIO root user
	S3SecretEnv = "OPENLOT_TEST_S3_SECRET"
	RequireEnv  = "OPENLOT_REQUIRE_STANDINS" // "1": a missing stand-in fails instead of skipping
)

// Endpoint returns the URL in env, or skips the test (fails it when the test
// command demands every stand-in).
func Endpoint(tb testing.TB, env string) string {
	tb.Helper()
	u := os.Getenv(env)
	if u == "" {
		msg := env + " is not set: run `make standins` and paste its exports, or the whole suite with `make test`, which starts the AWS stand-ins"
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return u
}
