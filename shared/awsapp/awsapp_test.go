package awsapp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsenv"
)

// env is a function's environment as the stack sets it, plus more.
func env(more map[string]string) func(string) string {
	e := map[string]string{awsenv.Table: "openlot", awsenv.Bucket: "openlot-files", "AWS_REGION": "eu-west-1"}
	for k, v := range more {
		e[k] = v
	}
	return func(k string) string { return e[k] }
}

func TestNewReadsTheStacksEnvironment(t *testing.T) {
	// Ensures a function built from the stack's environment has its use
	// cases, may make proxies (the steps read media), starts no flow without
	// state machines, and takes the options the stack passes.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	c, err := awsapp.New(context.Background(), env(map[string]string{awsenv.ProxyPool: "3", awsenv.PublicURL: "https://openlot.example.com/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Service == nil {
		t.Fatal("no use cases")
	}
	if c.Service.Deps.Media == nil {
		t.Error("no Media: the API would refuse to make proxies")
	}
	if c.Service.Deps.Flows != nil {
		t.Error("flows without state machines")
	}
	if c.Service.Deps.PoolSize != 3 {
		t.Errorf("pool size %d, want 3", c.Service.Deps.PoolSize)
	}
	if c.Service.Deps.PublicURL != "https://openlot.example.com" {
		t.Errorf("public URL %q", c.Service.Deps.PublicURL)
	}
	if got := c.Env(awsenv.Table); got != "openlot" {
		t.Errorf("Env(%s) = %q", awsenv.Table, got)
	}
}

func TestNewRefusesABadEnvironment(t *testing.T) {
	// Ensures a function with a missing or malformed variable does not
	// start, and says which variable is wrong.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for name, c := range map[string]struct {
		env  func(string) string
		want string
	}{
		"no table":           {func(k string) string { return map[string]string{awsenv.Bucket: "b"}[k] }, awsenv.Table},
		"no bucket":          {func(k string) string { return map[string]string{awsenv.Table: "t"}[k] }, awsenv.Bucket},
		"bad sender":         {env(map[string]string{awsenv.MailFrom: "not an address"}), awsenv.MailFrom},
		"bad pool":           {env(map[string]string{awsenv.ProxyPool: "many"}), awsenv.ProxyPool},
		"bad bucket rules":   {env(map[string]string{awsenv.BucketRules: "7,2,10"}), awsenv.BucketRules},
		"bad state machines": {env(map[string]string{awsenv.StateMachines: "{"}), awsenv.StateMachines},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := awsapp.New(context.Background(), c.env)
			if err == nil {
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v does not name %s", err, c.want)
			}
		})
	}
}
