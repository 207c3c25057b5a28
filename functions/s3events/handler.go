package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openlot/openlot/shared/awsapp"
)

// handler handles the bucket's object-created events: a delivered file
// assembled by CompleteMultipartUpload completes its transfer if the client
// did not (idempotent; other keys are ignored). A failure is returned, so
// the event is delivered again.
func handler(c *awsapp.Cloud) func(context.Context, events.S3Event) error {
	return func(ctx context.Context, e events.S3Event) error {
		for _, o := range c.Created(ctx, e) {
			done, err := c.Service.Deliveries.CompleteFromStorage(ctx, o.Key)
			if err != nil {
				c.Log.ErrorContext(ctx, "complete from storage", "key", o.Key, "err", err)
				return err // the event is delivered again
			}
			c.Log.InfoContext(ctx, "s3 event", "key", o.Key, "completed", done)
		}
		return nil
	}
}
