package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openlot/openlot/shared/accesslog"
	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/s3blob"
)

// handler handles the access-log bucket's object-created events: each new
// log object is read once (its key is claimed, so an event delivered again
// counts nothing twice) and the bytes every tagged download URL sent are
// added to its download, which completes when they reach its size. A
// failure is returned, so the event is delivered again.
func handler(c *awsapp.Cloud) func(context.Context, events.S3Event) error {
	return func(ctx context.Context, e events.S3Event) error {
		for _, o := range c.Created(ctx, e) {
			var n int
			read, err := c.Service.Deps.Once(ctx, "accesslog/"+o.Bucket+"/"+o.Key, 30*24*time.Hour, func() (err error) {
				n, err = readLog(ctx, c, o)
				return err
			})
			if err != nil {
				c.Log.ErrorContext(ctx, "access log", "key", o.Key, "err", err)
				return err // the event is delivered again
			}
			c.Log.InfoContext(ctx, "access log", "key", o.Key, "read", read, "downloads", n)
		}
		return nil
	}
}

// readLog adds the bytes sent in one log object to their downloads and
// returns how many downloads it counted.
func readLog(ctx context.Context, c *awsapp.Cloud, o awsapp.S3Object) (int, error) {
	rc, err := c.BucketBlobs(o.Bucket).Read(ctx, o.Key, 0, -1)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	recs, skipped, err := accesslog.Parse(rc)
	if err != nil {
		return 0, err
	}
	if skipped > 0 {
		c.Log.WarnContext(ctx, "access log lines skipped", "key", o.Key, "lines", skipped)
	}
	sent := accesslog.Sent(recs, s3blob.TagParam)
	for id, n := range sent {
		c.Service.Library.DownloadBytes(ctx, id, n)
	}
	return len(sent), nil
}
