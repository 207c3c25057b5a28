package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/app"
)

func TestDemoClientsGetDigestsBeforeTheirFirstToken(t *testing.T) {
	// Ensures a partner's machine client with an email gets the daily digest without ever having fetched a token.
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, DemoMaterials: false, ProxyPool: -1,
		DigestEvery: -1, Log: slog.New(slog.DiscardHandler)})
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Service.Notifications.SendDigests(context.Background()); err != nil {
		t.Fatal(err)
	}
	all, err := l.Mailbox.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if strings.Contains(m.To, "ops@juniper.example") && strings.Contains(m.Subject, " critical, ") {
			return
		}
	}
	t.Fatalf("fp-juniper (ops@juniper.example) got no digest; mail: %+v", all)
}
