package awsapp

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// S3Object is an object an S3 event names.
type S3Object struct{ Bucket, Key string }

// Created lists the objects an S3 event says were created, keys unescaped;
// a malformed key is logged and left out.
func (c *Cloud) Created(ctx context.Context, e events.S3Event) []S3Object {
	var out []S3Object
	for _, r := range e.Records {
		if !strings.HasPrefix(r.EventName, "ObjectCreated:") {
			continue
		}
		key, err := url.QueryUnescape(r.S3.Object.Key)
		if err != nil {
			c.Log.WarnContext(ctx, "s3 event with a malformed key", "key", r.S3.Object.Key)
			continue
		}
		out = append(out, S3Object{r.S3.Bucket.Name, key})
	}
	return out
}
