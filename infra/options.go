package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Options are the deploy-time choices, read from CDK context (cdk.json or
// `-c key=value`).
type Options struct {
	AssetDir            string          // folder holding <function>/bootstrap, built by `make lambdas`
	DeletionProtection  bool            // table and user pool refuse deletion (default true)
	Retain              bool            // keep table, bucket and user pool when the stack is deleted (default true)
	WebOrigins          []string        // origins allowed to PUT/GET presigned URLs from a browser (default *)
	CallbackURLs        []string        // sign-in redirects of the web client
	MachineClients      []MachineClient // client-credentials clients (the JWT authorizer accepts only listed clients)
	LogRetentionDays    int             // days the function's logs are kept (default 30)
	AuthDomainPrefix    string          // Cognito hosted domain prefix (default openlot-<account>)
	FFmpegLayerArn      string          // a Lambda layer with ffmpeg and ffprobe in bin/ (arm64); inspection reads media with them
	MailFrom            string          // SES sender identity, e.g. "openlot <no-reply@example.com>"; empty: no mail
	SESConfigurationSet string          // optional SES configuration set for sending events
	PublicURL           string          // the API's public base URL, for links in mail (e.g. a custom domain)
	ProxyPool           string          // watermarked proxies made in advance per proxy video (default 2)
	AlarmEmail          string          // an address subscribed to the alarm topic; empty: none
	Schema              TableSchema
}

// MachineClient is an app client for a program: its role, partner and
// permissions become scopes of the openlot resource server.
type MachineClient struct {
	Name        string
	Role        string
	Partner     string
	Permissions []string
}

// parseMachineClient reads name=role[/partner][+permission…], e.g.
// fp-juniper=fp/juniper+cancel+subassign or studio-ops=studio.
func parseMachineClient(s string) (MachineClient, error) {
	name, spec, ok := strings.Cut(s, "=")
	perms := strings.Split(spec, "+")
	role, partner, _ := strings.Cut(perms[0], "/")
	c := MachineClient{Name: name, Role: role, Partner: partner, Permissions: perms[1:]}
	switch {
	case !ok || !validID(name):
		return c, fmt.Errorf("machine client %q: want name=role[/partner][+permission...]", s)
	case !slices.Contains(Groups, role):
		return c, fmt.Errorf("machine client %q: role must be one of %v", s, Groups)
	case (role == "fp" || role == "cp") != (partner != ""):
		return c, fmt.Errorf("machine client %q: fp and cp clients name a partner, others do not", s)
	case partner != "" && !validID(partner):
		return c, fmt.Errorf("machine client %q: %q is not a partner ID", s, partner)
	}
	for _, p := range c.Permissions {
		if p != "cancel" && p != "subassign" {
			return c, fmt.Errorf("machine client %q: permissions are cancel and subassign, not %q", s, p)
		}
	}
	return c, nil
}

func validID(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// Groups are the Cognito groups a user's role comes from (shared/auth).
var Groups = []string{"fp", "cp", "studio", "qc"}

// SchemaFile holds the table's keys and indexes; shared/dynamo embeds the
// same file, so the deployed table is the one the adapter expects.
const SchemaFile = "../shared/dynamo/schema.json"

// TableSchema is the content of SchemaFile.
type TableSchema struct {
	PartitionKey string       `json:"partitionKey"`
	SortKey      string       `json:"sortKey"`
	TTLAttribute string       `json:"ttlAttribute"`
	Indexes      []TableIndex `json:"indexes"`
	Projected    []string     `json:"projected"`
}

// TableIndex is one global secondary index of the table.
type TableIndex struct {
	Name         string `json:"name"`
	PartitionKey string `json:"partitionKey"`
	SortKey      string `json:"sortKey"`
	// Projected, when set, replaces TableSchema.Projected for this index.
	Projected []string `json:"projected,omitempty"`
}

// ReadSchema reads SchemaFile.
func ReadSchema() (TableSchema, error) {
	var s TableSchema
	b, err := os.ReadFile(SchemaFile)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err == nil && (s.PartitionKey == "" || s.SortKey == "" || len(s.Indexes) == 0) {
		err = errors.New("keys or indexes missing")
	}
	if err != nil {
		return s, fmt.Errorf("table schema %s: %w", SchemaFile, err)
	}
	return s, nil
}

var retention = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS,
	365: awslogs.RetentionDays_ONE_YEAR,
}

// OptionsFrom reads the options from the app's context, with defaults.
func OptionsFrom(node constructs.Node) (Options, error) {
	str := func(key, def string) string {
		if v, ok := node.TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		if v, ok := node.TryGetContext(jsii.String(key)).(bool); ok {
			return strconv.FormatBool(v)
		}
		if v, ok := node.TryGetContext(jsii.String(key)).(float64); ok {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return def
	}
	list := func(key, def string) []string {
		var out []string
		for _, s := range strings.Split(str(key, def), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	o := Options{
		AssetDir:         str("assetDir", filepath.Join("..", "bin", "lambda")),
		WebOrigins:       list("webOrigins", "*"),
		CallbackURLs:     list("webCallbackUrls", "http://localhost:8080/auth/callback"),
		AuthDomainPrefix: str("authDomainPrefix", ""),
		FFmpegLayerArn:   str("ffmpegLayerArn", ""),
		MailFrom:         str("mailFrom", ""),
		PublicURL:        str("publicUrl", ""),
		ProxyPool:        str("proxyPool", "2"),
	}
	o.SESConfigurationSet = str("sesConfigurationSet", "")
	o.AlarmEmail = str("alarmEmail", "")
	if o.AlarmEmail != "" {
		if a, err := mail.ParseAddress(o.AlarmEmail); err != nil || a.Name != "" {
			return o, fmt.Errorf("context alarmEmail %q is not a bare address", o.AlarmEmail)
		}
	}
	if o.MailFrom != "" {
		if _, err := mail.ParseAddress(o.MailFrom); err != nil {
			return o, fmt.Errorf("context mailFrom %q is not an address: %w", o.MailFrom, err)
		}
	}
	if n, err := strconv.Atoi(o.ProxyPool); err != nil || n < 0 || n > 20 {
		return o, fmt.Errorf("context proxyPool must be 0 to 20, not %q", o.ProxyPool)
	}
	var err error
	if o.Schema, err = ReadSchema(); err != nil {
		return o, err
	}
	flows, _, err := ReadFlows()
	if err != nil {
		return o, err
	}
	if err := checkAccess(o.Schema, flows); err != nil {
		return o, err
	}
	if o.DeletionProtection, err = strconv.ParseBool(str("deletionProtection", "true")); err != nil {
		return o, fmt.Errorf("context deletionProtection: %w", err)
	}
	switch rp := str("removalPolicy", "retain"); rp {
	case "retain":
		o.Retain = true
	case "destroy":
	default:
		return o, fmt.Errorf("context removalPolicy must be retain or destroy, not %q", rp)
	}
	if o.LogRetentionDays, err = strconv.Atoi(str("logRetentionDays", "30")); err != nil || retention[o.LogRetentionDays] == "" {
		return o, fmt.Errorf("context logRetentionDays must be one of 1 3 5 7 14 30 60 90 180 365")
	}
	seen := map[string]bool{}
	for _, spec := range list("machineClients", "studio-ops=studio") {
		c, err := parseMachineClient(spec)
		if err != nil {
			return o, fmt.Errorf("context machineClients: %w", err)
		}
		if seen[c.Name] {
			return o, fmt.Errorf("context machineClients: %q twice", c.Name)
		}
		seen[c.Name] = true
		o.MachineClients = append(o.MachineClients, c)
	}
	return o, nil
}
