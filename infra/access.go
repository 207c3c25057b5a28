package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/openlot/openlot/shared/portal/steps"
)

// What each function does with openlot's state, declared once here and
// granted by newFunction, so each role lists only what its function uses.
// The Go code does not expose this as data, so the table was read off the
// code each function runs (functions/<name>/handler.go, shared/awsapp, the
// use cases in shared/portal, the store calls in shared/dynamo, the blob
// calls in shared/s3blob); TestRoles pins the synthesized policies, and
// TestAccessTable checks the table against the schema, the flows and the
// declared steps. When a function starts calling something new, its entry
// here changes with it (on AWS a missing right answers AccessDenied).

// Key prefixes of the files bucket (shared/portal): deliveries
// (transfers.go: deliveries/<request>/<transfer>/file-NN), materials added
// by hand (materials.go: materials/uploads/<id>/file; a processed delivery
// becomes a material under its deliveries/ key), watermarked proxies and
// their segments (proxy.go: proxies/<proxy>/<attempt>/…), search snapshots
// (follow.go: search/<scope>.gob.gz, read by a cold instance, written after a
// full read of a scope and when stale).
const (
	prefixDeliveries = "deliveries/"
	prefixMaterials  = "materials/"
	prefixUploads    = "materials/uploads/"
	prefixProxies    = "proxies/"
	prefixSearch     = "search/"
)

// Partition-key prefixes of the table (shared/dynamo/DESIGN.md) that some
// functions may write or delete without the right to write anything else.
const (
	keyIdempotency = "IDEM#"     // idempotency keys and send-once marks (Deps.Once: claim, finish, release)
	keyTemplate    = "TPL#"      // saved templates (DELETE /v1/templates/{name})
	keyUser        = "DOC#user#" // who signed in, noted on every API request (Requests.Authorize → noteUser) so mail can reach them
)

// access is what one function may do.
type access struct {
	// Table: read is GetItem and Query on the table (items and item
	// collections); write is PutItem of any item (every change is one
	// conditional PutItem, shared/dynamo); once is PutItem, UpdateItem and
	// DeleteItem on idempotency keys only (Deps.Once, the API's
	// Idempotency-Key); deleteTemplates is DeleteItem on saved templates;
	// writeKeys, for a function without write, are the partition-key
	// prefixes it may PutItem.
	read, write, once, deleteTemplates bool
	writeKeys                          []string
	indexes                            []string // GSIs it queries (shared/dynamo/schema.json)

	// Files bucket: key prefixes per S3 action. Presigned URLs act with
	// the rights of the function that signs them. HEAD is s3:GetObject;
	// CreateMultipartUpload, UploadPart and CompleteMultipartUpload are
	// s3:PutObject.
	files map[string][]string

	flows    []string // state machines it starts (shared/portal/flows/<name>.asl.json)
	mail     bool     // sends mail through SES (when the context names a sender)
	readLogs bool     // reads the files bucket's server access logs (access/)
}

// The index groups of shared/dynamo: a scope's requests (inScope: byAll
// for studio and QC, byFP and bySub for a fulfillment partner, byCP for a
// content partner), a request's transfers, the work queues, the documents
// of a parent (materials, proxies, downloads, users).
var (
	scopeIndexes = []string{"byAll", "byFP", "bySub", "byCP"}
	ixChange     = "byChange" // what changed since a search index was built (portal/follow.go)
	ixRequest    = "byRequest"
	ixQueue      = "byQueue"
	ixParent     = "byParent"
)

// readOnly is what a step that only reads its transfer and request needs.
var readOnly = access{read: true}

// accessOf is every function's access, by construct name.
var accessOf = map[string]access{
	// The HTTP API: every use case. It signs upload URLs for deliveries
	// (multipart) and hand-added materials, download and preview URLs for
	// materials and proxies; it starts every flow (inspection on complete,
	// QC outcome, watermarked proxies, notify for mail raised by a request)
	// and sends no mail itself.
	"Api": {read: true, write: true, once: true, deleteTemplates: true,
		indexes: append(slices.Clone(scopeIndexes), ixChange, ixRequest, ixQueue, ixParent),
		files: map[string][]string{
			"s3:GetObject":                {prefixDeliveries, prefixMaterials, prefixProxies, prefixSearch},
			"s3:PutObject":                {prefixDeliveries, prefixUploads, prefixSearch},
			"s3:AbortMultipartUpload":     {prefixDeliveries},
			"s3:ListMultipartUploadParts": {prefixDeliveries},
		},
		flows: []string{"inspection", "notify", "qc-outcome", "watermark"}},
	// POST /v1/requests/export: the caller's requests in its scope, the
	// Idempotency-Key of the POST, and the caller noted as a user (the
	// API's authentication does it on every request). It writes nothing
	// else.
	"Export": {read: true, once: true, writeKeys: []string{keyUser}, indexes: append(slices.Clone(scopeIndexes), ixChange),
		files: map[string][]string{"s3:GetObject": {prefixSearch}, "s3:PutObject": {prefixSearch}}},
	// Storage events: completes a delivery assembled in storage
	// (Deliveries.CompleteFromStorage: HEAD and ListParts of its files,
	// CompleteMultipartUpload, the transfer and its request) and starts its
	// inspection.
	"S3Events": {read: true, write: true,
		files: map[string][]string{
			"s3:GetObject":                {prefixDeliveries},
			"s3:PutObject":                {prefixDeliveries},
			"s3:ListMultipartUploadParts": {prefixDeliveries},
		},
		flows: []string{"inspection"}},
	// Access logs: reads each new log object once (a send-once mark) and
	// adds the bytes sent to downloads; it never touches the files.
	"AccessLog": {read: true, write: true, once: true, readLogs: true},
	// The daily digest: partners (pk PARTNER), their users (byParent), each
	// user's requests in scope (partners only: byFP, bySub, byCP), a
	// send-once mark per user and day, the user's last digest; mail.
	"Digest": {read: true, write: true, once: true, indexes: []string{"byFP", "bySub", "byCP", ixChange, ixParent}, mail: true,
		files: map[string][]string{"s3:GetObject": {prefixSearch}, "s3:PutObject": {prefixSearch}}},

	// The inspection flow (shared/portal/inspection.go).
	"Step" + steps.InspectBegin: {read: true, write: true, indexes: []string{"byCP"}}, // waits for the title's primary delivery (primaryOf: the content partner's requests)
	"Step" + steps.InspectIntegrity: {read: true,
		files: map[string][]string{"s3:GetObject": {prefixDeliveries}}}, // hashes every file
	"Step" + steps.InspectExamine: {read: true,
		files: map[string][]string{"s3:GetObject": {prefixDeliveries}}}, // ffprobe over a presigned URL, subtitles read
	// Records the inspection on the transfer and its request, makes the
	// delivery's materials, mails a failure to the partner's users.
	"Step" + steps.InspectDecide: {read: true, write: true, once: true, indexes: []string{"byCP", ixRequest, ixParent}, mail: true},
	"Step" + steps.InspectFault:  {read: true, write: true},

	// The watermark flow (shared/portal/proxy.go): the source material is
	// read through a presigned URL; segments and the proxy are written
	// under proxies/, the segments deleted once joined; a failed proxy is
	// recorded on it (and its material's pool looked up).
	"Step" + steps.ProxyPlan: {read: true, write: true, indexes: []string{ixParent},
		files: map[string][]string{"s3:GetObject": {prefixDeliveries, prefixMaterials}}},
	"Step" + steps.ProxySegment: {read: true, write: true, indexes: []string{ixParent},
		files: map[string][]string{"s3:GetObject": {prefixDeliveries, prefixMaterials}, "s3:PutObject": {prefixProxies}}},
	"Step" + steps.ProxyFinish: {read: true, write: true, once: true, indexes: []string{ixParent}, mail: true,
		files: map[string][]string{"s3:GetObject": {prefixProxies}, "s3:PutObject": {prefixProxies}, "s3:DeleteObject": {prefixProxies}}},
	"Step" + steps.ProxyFault: {read: true, write: true, indexes: []string{ixParent}},

	// The QC outcome flow (shared/portal/qc.go): the transfer, its request,
	// mail to the partner's users (QC result, redelivery).
	"Step" + steps.QCApplyOutcome: {read: true, write: true, once: true, indexes: []string{ixParent}, mail: true},

	// The notify flow: renders one mail and sends it once (a send-once
	// mark); it reads nothing else.
	"Step" + steps.NotifySend: {once: true, mail: true},
}

// accessFor returns the access of the function with construct name name;
// it panics for a function the table does not declare (a new function
// must say what it uses).
func accessFor(name string) access {
	a, ok := accessOf[name]
	if !ok {
		panic(fmt.Sprintf("infra: function %s is not in accessOf (access.go); declare what it uses", name))
	}
	return a
}

// checkAccess reports an entry naming an index the schema lacks or a flow
// with no ASL.
func checkAccess(schema TableSchema, flows map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(accessOf)) {
		a := accessOf[name]
		for _, ix := range a.indexes {
			if !slices.ContainsFunc(schema.Indexes, func(x TableIndex) bool { return x.Name == ix }) {
				return fmt.Errorf("access.go: %s queries index %s, which %s does not declare", name, ix, SchemaFile)
			}
		}
		for _, f := range a.flows {
			if _, ok := flows[f]; !ok {
				return fmt.Errorf("access.go: %s starts flow %s, which %s does not hold", name, f, FlowsDir)
			}
		}
	}
	return nil
}
