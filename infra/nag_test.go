package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func TestAwsSolutionsChecks(t *testing.T) {
	// Ensures cdk-nag's AwsSolutions pack finds nothing in the stack that
	// is not fixed or suppressed with a written reason (nag.go), with the
	// options a deployment with mail and alarm mail sets.
	app, stack := testStack(t, map[string]any{"mailFrom": "openlot <no-reply@mail.example.com>", "alarmEmail": "ops@example.com"})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	ann := assertions.Annotations_FromStack(stack)
	var findings []string
	for level, msgs := range map[string]*[]*cxapi.SynthesisMessage{
		"error":   ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-"))),
		"warning": ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-"))),
	} {
		for _, m := range *msgs {
			text := fmt.Sprint(m.Entry.Data)
			if d, ok := m.Entry.Data.(*string); ok {
				text = *d
			}
			rule, _, _ := strings.Cut(text, ":")
			findings = append(findings, fmt.Sprintf("%s %s %s: %s", level, rule, *m.Id, text))
		}
	}
	sort.Strings(findings)
	rules := map[string]int{}
	for _, f := range findings {
		rules[strings.Fields(f)[1]]++
	}
	t.Logf("%d unsuppressed AwsSolutions findings by rule: %v", len(findings), rules)
	for _, f := range findings {
		t.Error(f)
	}
}
