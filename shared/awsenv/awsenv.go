// Package awsenv names the environment variables through which the stack
// (infra/) configures openlot's Lambda functions. The functions read them
// (shared/awsapp) and the CDK app sets them from these same constants, so a
// name cannot drift between the two. It imports nothing: infra/ (its own
// Go module) imports it through a replace directive.
package awsenv

// Set by the stack on every function.
const (
	Table    = "OPENLOT_TABLE"     // DynamoDB table name
	Bucket   = "OPENLOT_BUCKET"    // S3 bucket name
	TokenURL = "OPENLOT_TOKEN_URL" // Cognito token endpoint, shown in the API document
	// ProxyPool is how many proxies are made in advance per proxy video (default 2).
	ProxyPool = "OPENLOT_PROXY_POOL"
	// WebIssuer and WebClientID tell the portal where people sign in (its
	// /config.json): the Cognito user pool's issuer URL and the web app
	// client's ID.
	WebIssuer   = "OPENLOT_WEB_ISSUER"
	WebClientID = "OPENLOT_WEB_CLIENT_ID"
)

// Set by the stack when the deployment's context gives them.
const (
	// MailFrom is the SES sender identity ("openlot <no-reply@example.com>");
	// without it no mail is sent. SESConfigurationSet names an optional
	// configuration set.
	MailFrom            = "OPENLOT_MAIL_FROM"
	SESConfigurationSet = "OPENLOT_SES_CONFIGURATION_SET"
	// PublicURL is the API's base URL, for links in mail.
	PublicURL = "OPENLOT_PUBLIC_URL"
)

// Set by the stack on some functions.
const (
	// StateMachines is a JSON object of flow name → state machine ARN, on
	// the functions that start flows (the API, storage events); without it
	// completed transfers wait in Pending Inspection.
	StateMachines = "OPENLOT_STATE_MACHINES"
	// Step names the flow step a steps function runs.
	Step = "OPENLOT_STEP"
	// FFprobe and FFmpeg locate the programs on the steps that read or make
	// media (the ffmpeg layer puts them in /opt/bin; default: on PATH).
	FFprobe = "OPENLOT_FFPROBE"
	FFmpeg  = "OPENLOT_FFMPEG"
)

// Never set by the stack: for operators and tests.
const (
	LogLevel = "OPENLOT_LOG_LEVEL" // debug, info (default), warn, error
	// BucketRules sets the bucket thresholds in days: critical,atRisk,materials
	// (default 2,7,10).
	BucketRules = "OPENLOT_BUCKET_RULES"
	// Endpoint overrides, for S3- and DynamoDB-compatible stand-ins only.
	DynamoEndpoint = "OPENLOT_DYNAMODB_ENDPOINT"
	S3Endpoint     = "OPENLOT_S3_ENDPOINT"
)
