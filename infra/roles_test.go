package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/portal/steps"
)

var update = flag.Bool("update", false, "rewrite testdata/roles.golden from the synthesized stack")

// logicalHash is the suffix CDK adds to a construct's path in a logical ID.
var logicalHash = regexp.MustCompile(`[0-9A-F]{8}$`)

// constructName returns the construct ID a logical ID was made from.
func constructName(logicalID string) string { return logicalHash.ReplaceAllString(logicalID, "") }

// render writes a CloudFormation value (a string or an intrinsic) as text
// that names the resources it refers to: Table.Arn/index/byAll, Files.Arn/proxies/*.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, render(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		if att, ok := x["Fn::GetAtt"].([]any); ok {
			return constructName(fmt.Sprint(att[0])) + "." + fmt.Sprint(att[1])
		}
		if ref, ok := x["Ref"].(string); ok {
			if strings.HasPrefix(ref, "AWS::") {
				return "${" + ref + "}"
			}
			return constructName(ref)
		}
		if join, ok := x["Fn::Join"].([]any); ok {
			var parts []string
			for _, e := range join[1].([]any) {
				parts = append(parts, render(e))
			}
			return strings.Join(parts, fmt.Sprint(join[0]))
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// functionRoles returns, for each function (by construct name), the lines
// of every statement its role's policies hold, sorted, and its managed
// policies.
func functionRoles(t *testing.T, raw map[string]any) map[string][]string {
	t.Helper()
	res := raw["Resources"].(map[string]any)
	roleOf := map[string]string{} // role logical ID → function construct name
	for id, r := range res {
		r := r.(map[string]any)
		if r["Type"] != "AWS::Lambda::Function" || !strings.HasPrefix(fmt.Sprint(props(r)["Description"]), "openlot") {
			continue // not one of openlot's (CDK's bucket notification helper)
		}
		role, _ := props(r)["Role"].(map[string]any)["Fn::GetAtt"].([]any)
		if len(role) != 2 {
			t.Fatalf("function %s: role %v", id, props(r)["Role"])
		}
		roleOf[fmt.Sprint(role[0])] = constructName(id)
	}
	out := map[string][]string{}
	for id, r := range res {
		r := r.(map[string]any)
		switch r["Type"] {
		case "AWS::IAM::Role":
			if fn, ok := roleOf[id]; ok {
				if m := props(r)["ManagedPolicyArns"]; m != nil {
					out[fn] = append(out[fn], "managed "+render(m))
				}
				if p := props(r)["Policies"]; p != nil {
					out[fn] = append(out[fn], "inline "+render(p))
				}
			}
		case "AWS::IAM::Policy":
			for _, role := range props(r)["Roles"].([]any) {
				fn, ok := roleOf[fmt.Sprint(role.(map[string]any)["Ref"])]
				if !ok {
					continue
				}
				for _, s := range props(r)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					s := s.(map[string]any)
					line := fmt.Sprintf("%v %v %s on %s", s["Sid"], s["Effect"], render(s["Action"]), render(s["Resource"]))
					if c, ok := s["Condition"]; ok {
						b, _ := json.Marshal(c)
						line += " if " + string(b)
					}
					out[fn] = append(out[fn], line)
				}
			}
		}
	}
	for fn := range out {
		sort.Strings(out[fn])
	}
	return out
}

// roleContext is the context of the pinned roles: a sender, so the mail
// rights show.
var roleContext = map[string]any{"mailFrom": "openlot <no-reply@mail.example.com>", "sesConfigurationSet": "openlot"}

func TestRoles(t *testing.T) {
	// Ensures each function's role holds exactly the pinned statements in
	// testdata/roles.golden (refresh with -update and review the diff): its
	// logs, tracing, and the table actions, indexes and keys, bucket
	// actions and prefixes, state machines and SES identities access.go
	// declares for it; no managed or inline policies.
	_, raw := synth(t, roleContext)
	roles := functionRoles(t, raw)
	var b strings.Builder
	for _, fn := range slices.Sorted(maps.Keys(roles)) {
		fmt.Fprintf(&b, "%s\n", fn)
		for _, line := range roles[fn] {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	golden := filepath.Join("testdata", "roles.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Errorf("the functions' roles differ from %s (write it with -update and review every change):\n%s", golden, b.String())
	}
	if want := 5 + len(steps.Names()); len(roles) != want {
		t.Errorf("%d function roles, want %d: api, export, s3events, accesslog, digest and the %d flow steps", len(roles), want, len(steps.Names()))
	}
}

func TestRolesGrantOnlyWhatAccessDeclares(t *testing.T) {
	// Ensures no function's role grants an action outside what access.go
	// declares for it (plus its logs and X-Ray), on any resource, so a
	// broad grant added elsewhere (a CDK grant* helper) fails here; and that
	// the rights that matter most stay where they belong.
	_, raw := synth(t, roleContext)
	roles := functionRoles(t, raw)
	for _, fn := range slices.Sorted(maps.Keys(roles)) {
		a := accessFor(fn)
		allowed := map[string]bool{"logs:CreateLogStream": true, "logs:PutLogEvents": true,
			"xray:PutTraceSegments": true, "xray:PutTelemetryRecords": true}
		if a.read {
			allowed["dynamodb:GetItem"], allowed["dynamodb:Query"] = true, true
		}
		if len(a.indexes) > 0 {
			allowed["dynamodb:Query"] = true
		}
		if a.write || len(a.writeKeys) > 0 {
			allowed["dynamodb:PutItem"] = true
		}
		if a.once {
			allowed["dynamodb:PutItem"], allowed["dynamodb:UpdateItem"], allowed["dynamodb:DeleteItem"] = true, true, true
		}
		if a.deleteTemplates {
			allowed["dynamodb:DeleteItem"] = true
		}
		for action := range a.files {
			allowed[action], allowed["s3:ListBucket"] = true, true
		}
		if a.readLogs {
			allowed["s3:GetObject"] = true
		}
		if len(a.flows) > 0 {
			allowed["states:StartExecution"] = true
		}
		if a.mail {
			allowed["ses:SendEmail"] = true
		}
		text := strings.Join(roles[fn], "\n")
		for _, m := range regexp.MustCompile(`\b[a-z0-9]+:[A-Za-z*]+\b`).FindAllString(text, -1) {
			if strings.HasPrefix(m, "arn:") || strings.HasPrefix(m, "dynamodb:LeadingKeys") {
				continue
			}
			if !allowed[m] {
				t.Errorf("%s's role grants %s, which access.go does not declare for it", fn, m)
			}
		}
		for _, line := range roles[fn] {
			if strings.HasPrefix(line, "managed ") || strings.HasPrefix(line, "inline ") {
				t.Errorf("%s's role has a policy beside its own statements: %s", fn, line)
			}
			if strings.HasSuffix(line, " on *") && !strings.Contains(line, "xray:") {
				t.Errorf("%s's role grants on every resource: %s", fn, line)
			}
		}
		has := func(s string) bool { return strings.Contains(text, s) }
		if starts := has("states:StartExecution"); starts != (fn == "Api" || fn == "S3Events") {
			t.Errorf("%s may start flows: %v", fn, starts)
		}
		if has("ses:SendEmail") != a.mail {
			t.Errorf("%s may send mail: %v, declared %v", fn, has("ses:SendEmail"), a.mail)
		}
		if has("Files.Arn") != (len(a.files) > 0) {
			t.Errorf("%s touches the files bucket: %v, declared %v", fn, has("Files.Arn"), len(a.files) > 0)
		}
		if has("AccessLogs.Arn") != (fn == "AccessLog") {
			t.Errorf("%s reads the access logs: %v", fn, has("AccessLogs.Arn"))
		}
		for _, line := range roles[fn] {
			if strings.Contains(line, "dynamodb:UpdateItem") || strings.Contains(line, "dynamodb:DeleteItem") ||
				strings.Contains(line, "dynamodb:PutItem") && !a.write {
				if !strings.Contains(line, `"dynamodb:LeadingKeys"`) {
					t.Errorf("%s may update, delete or (declared no write) put any item: %s", fn, line)
				}
			}
			if strings.Contains(line, "s3:DeleteObject") && !strings.Contains(line, "Files.Arn/proxies/*") {
				t.Errorf("%s may delete files outside proxies/: %s", fn, line)
			}
		}
	}
	if len(roles) == 0 {
		t.Fatal("no function roles")
	}
	// shared/awsapp gives a function a flow runner only when the stack
	// names the state machines in its environment: exactly those may start
	// executions, and each of those may.
	for id, r := range raw["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] != "AWS::Lambda::Function" || !strings.HasPrefix(fmt.Sprint(props(r)["Description"]), "openlot") {
			continue
		}
		vars, _ := props(r)["Environment"].(map[string]any)["Variables"].(map[string]any)
		_, knows := vars[awsenv.StateMachines]
		fn := constructName(id)
		if starts := strings.Contains(strings.Join(roles[fn], "\n"), "states:StartExecution"); starts != knows {
			t.Errorf("%s: knows the state machines (%s) %v, may start executions %v", fn, awsenv.StateMachines, knows, starts)
		}
	}
}

func TestAccessTable(t *testing.T) {
	// Ensures the declared access names only indexes the table has and
	// flows the stack deploys, declares every flow step's function, and
	// that a function missing from it stops the synthesis.
	schema, err := ReadSchema()
	if err != nil {
		t.Fatal(err)
	}
	flows, _, err := ReadFlows()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkAccess(schema, flows); err != nil {
		t.Error(err)
	}
	for _, step := range steps.Names() {
		if _, ok := accessOf["Step"+step]; !ok {
			t.Errorf("step %s has no entry in accessOf", step)
		}
	}
	saved := accessOf["Export"]
	accessOf["Export"] = access{read: true, indexes: []string{"byNothing"}}
	if err := checkAccess(schema, flows); err == nil || !strings.Contains(err.Error(), "byNothing") {
		t.Errorf("an unknown index was accepted: %v", err)
	}
	accessOf["Export"] = access{flows: []string{"nowhere"}}
	if err := checkAccess(schema, flows); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("an unknown flow was accepted: %v", err)
	}
	accessOf["Export"] = saved
	defer func() {
		if recover() == nil {
			t.Error("a function without declared access was deployed")
		}
	}()
	accessFor("Undeclared")
}
