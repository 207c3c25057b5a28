package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openlot/openlot/shared/awsapp/awsapptest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
)

func TestScheduleSendsTheDigestOnce(t *testing.T) {
	// Ensures the daily schedule's event mails a partner user whose request turned critical, over DynamoDB, and that the same event again mails nobody.
	cloud := awsapptest.Cloud(t, "digest")
	ctx := context.Background()
	// SES is not reachable here (its adapter is tested on its own in
	// shared/sesmail); the mail goes to the local mailbox adapter instead.
	box := &mailbox.Box{Dir: t.TempDir()}
	cloud.Service.Deps.Mailer = box
	must(t, cloud.Store.PutPartner(ctx, &lot.Partner{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}))
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Now().UTC()}
	title := &lot.Title{MovieID: 81000001, Name: "Orbital: Season 1: Episode 3", ContentPartner: "northstar", MovieType: lot.MovieEpisode}
	r, err := lot.Create(ops, "01a00000-0000-7000-8000-00000000000d", lot.NewRequest{Title: title, Package: &lot.Package{ID: 1, MovieID: title.MovieID},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: lot.SourceSubtitle,
		Language: "es", DueDate: lot.DateOf(time.Now()).AddDays(1)})
	must(t, err)
	must(t, cloud.Store.CreateRequests(ctx, r))
	must(t, cloud.Store.PutUser(ctx, &lot.User{Subject: "ana", Name: "Ana", Email: "ana@juniper.example", Role: lot.RoleFP, Partner: "juniper"}))

	event, err := os.ReadFile("../../events/digest/daily.json")
	must(t, err)
	h := lambda.NewHandler(handler(cloud))
	for i := range 2 {
		out, err := h.Invoke(ctx, event)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{0: `{"sent":1}`, 1: `{"sent":0}`}[i]
		if string(out) != want {
			t.Fatalf("run %d answered %s, want %s", i+1, out, want)
		}
	}
	list, _ := box.List()
	if len(list) != 1 {
		t.Fatalf("%d mails, want 1: %+v", len(list), list)
	}
	if !strings.Contains(list[0].To, "ana@juniper.example") {
		t.Errorf("the mail went to %q, want ana@juniper.example", list[0].To)
	}
	// Ana's first digest: it says what is critical now (nothing "turned" before a first one).
	if !strings.Contains(list[0].Subject, "1 request critical, 0 at risk") {
		t.Errorf("the mail's subject %q does not say 1 request critical", list[0].Subject)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
