package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openlot/openlot/shared/awsapp"
)

// handler handles the daily schedule's event: it sends the digests and
// answers how many mails went out; a failure is returned, so the schedule's
// retry sends the rest (nobody gets a digest twice a day).
func handler(c *awsapp.Cloud) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		n, err := c.Service.Notifications.SendDigests(ctx)
		if err != nil {
			c.Log.ErrorContext(ctx, "daily digests", "sent", n, "err", err)
			return nil, err
		}
		c.Log.InfoContext(ctx, "daily digests sent", "mails", n)
		return map[string]int{"sent": n}, nil
	}
}
