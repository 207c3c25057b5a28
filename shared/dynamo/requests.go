package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/record"
)

const (
	requestSK     = "REQ"
	historyPrefix = "H#"
	requestType   = "request"
)

func requestPK(id string) string { return "REQ#" + id }

// historySK sorts entries by version, then seq, and below requestSK.
func historySK(e lot.HistoryEntry) string { return fmt.Sprintf("H#%012d#%04d", e.Version, e.Seq) }

// requestItem is the whole request at its version, with the history entries
// of that version in latest: the one conditional write carries both.
func requestItem(r *lot.Request, latest []lot.HistoryEntry) item {
	rows := make([]record.History, len(latest))
	for i, e := range latest {
		rows[i] = record.FromHistory(e)
	}
	it := key(requestPK(r.ID), requestSK)
	it[attrType] = str(requestType)
	it[attrID] = str(r.ID)
	it[attrFP] = str(r.FulfillmentPartner)
	it[attrCP] = str(r.ContentPartner)
	if r.SubAssignee != "" { // sparse: only subassigned requests are in bySub
		it[attrSub] = str(r.SubAssignee)
	}
	it[attrVersion] = num(r.Version)
	it[attrData] = str(string(record.JSON(record.FromRequest(r))))
	it[attrLatest] = str(string(record.JSON(rows)))
	return it
}

func decodeItem(it item) (*lot.Request, error) {
	return record.DecodeRequest([]byte(getS(it, attrData)), getN(it, attrVersion))
}

func latestOf(it item) ([]lot.HistoryEntry, error) {
	var rows []record.History
	if s := getS(it, attrLatest); s != "" {
		if err := json.Unmarshal([]byte(s), &rows); err != nil {
			return nil, fmt.Errorf("decode latest history: %w", err)
		}
	}
	out := make([]lot.HistoryEntry, len(rows))
	for i, h := range rows {
		out[i] = h.Domain()
	}
	return out, nil
}

func historyItem(e lot.HistoryEntry) item {
	it := key(requestPK(e.RequestID), historySK(e))
	it[attrData] = str(string(record.JSON(record.FromHistory(e))))
	return it
}

// writeHistory puts entries in order. A put of an entry that exists rewrites
// the same bytes, so writing twice is harmless; writing in order means that
// when the last entry of a version is present, all of them are.
func (s *Store) writeHistory(ctx context.Context, entries []lot.HistoryEntry) error {
	for _, e := range entries {
		if err := s.put(ctx, historyItem(e), "", nil, "history entry"); err != nil {
			return err
		}
	}
	return nil
}

// afterCommit writes the history of a committed version. A failure here loses
// nothing: the request item carries the entries, and the next change or read
// of the history writes them.
func (s *Store) afterCommit(ctx context.Context, entries []lot.HistoryEntry) {
	if err := s.writeHistory(ctx, entries); err != nil {
		s.log.WarnContext(ctx, "history entries left for repair", "request", entries[0].RequestID, "version", entries[0].Version, "err", err)
	}
}

// CreateRequests stores each request at version 1 with one conditional put
// (the ID must be new), then its history. A duplicate ID stops the batch with
// conflict; the requests before it stay stored.
func (s *Store) CreateRequests(ctx context.Context, rs ...*lot.Request) error {
	for _, r := range rs {
		c := r.Clone()
		c.Version = 1
		entries := r.Committed(1)
		err := s.put(ctx, s.stamped(requestItem(c, entries)), "attribute_not_exists(pk)", nil, "request")
		if lot.IsCode(err, lot.CodeConflict) {
			return lot.Errorf(lot.CodeConflict, "request %s already exists", r.ID)
		}
		if err != nil {
			return err
		}
		r.Version = 1
		s.changed(c)
		if len(entries) > 0 {
			s.afterCommit(ctx, entries)
		}
	}
	return nil
}

// GetRequest fails with not_found for an unknown ID.
func (s *Store) GetRequest(ctx context.Context, id string) (*lot.Request, error) {
	it, err := s.get(ctx, key(requestPK(id), requestSK), "request")
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, lot.Errorf(lot.CodeNotFound, "no such request")
	}
	return decodeItem(it)
}

// load reads the request item and the newest history item in one consistent
// Query (descending, two items), and writes the latest entries if that
// history item shows they are missing, so no committed entry is ever lost.
func (s *Store) load(ctx context.Context, id string) (*lot.Request, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :h AND :r"),
		ExpressionAttributeValues: item{
			":pk": str(requestPK(id)), ":h": str(historyPrefix), ":r": str(requestSK),
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(2),
		ConsistentRead:   aws.Bool(true),
	})
	if err != nil {
		return nil, translate(err, "request")
	}
	if len(out.Items) == 0 || getS(out.Items[0], attrSK) != requestSK {
		return nil, lot.Errorf(lot.CodeNotFound, "no such request")
	}
	it := out.Items[0]
	latest, err := latestOf(it)
	if err != nil {
		return nil, err
	}
	if n := len(latest); n > 0 {
		newest := ""
		if len(out.Items) > 1 {
			newest = getS(out.Items[1], attrSK)
		}
		if newest != historySK(latest[n-1]) {
			if err := s.writeHistory(ctx, latest); err != nil {
				return nil, err
			}
		}
	}
	return decodeItem(it)
}

// UpdateRequest loads request id, runs fn, and writes the result with one
// PutItem conditioned on the version it loaded.
func (s *Store) UpdateRequest(ctx context.Context, id string, fn func(*lot.Request) error) (*lot.Request, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	old, entries, err := r.Apply(fn)
	if err != nil {
		return nil, err
	}
	if old == r.Version {
		return r, nil
	}
	err = s.put(ctx, s.stamped(requestItem(r, entries)), "ver = :v", item{":v": num(old)}, "request")
	if lot.IsCode(err, lot.CodeConflict) {
		return nil, lot.Errorf(lot.CodeConflict, "the request changed while you were editing it; reload and try again")
	}
	if err != nil {
		return nil, err
	}
	s.changed(r.Clone())
	if len(entries) > 0 {
		s.afterCommit(ctx, entries)
	}
	return r, nil
}

// History returns the entries of a request, oldest first. Entries of the
// latest version that are not written yet come from the request item, and are
// written on the way.
func (s *Store) History(ctx context.Context, id string) ([]lot.HistoryEntry, error) {
	var out []lot.HistoryEntry
	var req item
	var bad error
	err := s.query(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :h AND :r"),
		ExpressionAttributeValues: item{
			":pk": str(requestPK(id)), ":h": str(historyPrefix), ":r": str(requestSK),
		},
		ConsistentRead: aws.Bool(true),
	}, "history", func(it item) bool {
		if getS(it, attrSK) == requestSK {
			req = it
			return true
		}
		var row record.History
		if bad = json.Unmarshal([]byte(getS(it, attrData)), &row); bad != nil {
			return true
		}
		out = append(out, row.Domain())
		return false
	})
	if err == nil && bad != nil {
		err = fmt.Errorf("decode history: %w", bad)
	}
	if err != nil || req == nil {
		return out, err
	}
	latest, err := latestOf(req)
	if err != nil {
		return nil, err
	}
	var missing []lot.HistoryEntry
	for _, e := range latest {
		if !slices.ContainsFunc(out, func(h lot.HistoryEntry) bool { return h.Version == e.Version && h.Seq == e.Seq }) {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		out = append(out, missing...)
		slices.SortStableFunc(out, func(a, b lot.HistoryEntry) int { return strings.Compare(historySK(a), historySK(b)) })
		s.afterCommit(ctx, latest)
	}
	return out, nil
}

// ListRequests pages through the requests in scope by ID.
func (s *Store) ListRequests(ctx context.Context, scope lot.Scope, after string, limit int) ([]*lot.Request, string, error) {
	if limit <= 0 || limit > lot.MaxPage {
		limit = lot.MaxPage
	}
	out, err := s.inScope(ctx, scope, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// ScopeRequests reads every request in scope (no Scan): the items read are
// the items in scope, plus the few a fulfillment partner has both assigned
// and subassigned.
func (s *Store) ScopeRequests(ctx context.Context, scope lot.Scope) ([]*lot.Request, error) {
	return s.inScope(ctx, scope, "", 0)
}

// inScope queries the index that matches the scope for requests with IDs
// after after, want of them per index (0: all), in ID order. A fulfillment
// partner's assigned (byFP) and subassigned (bySub) requests are merged.
func (s *Store) inScope(ctx context.Context, scope lot.Scope, after string, want int) ([]*lot.Request, error) {
	var parts [][]*lot.Request
	fetch := func(index, attr, value string) error {
		rs, err := s.queryIndex(ctx, index, attr, value, after, want)
		parts = append(parts, rs)
		return err
	}
	var err error
	switch {
	case scope.All:
		err = fetch(IndexAll, attrType, requestType)
	case scope.FulfillmentPartner != "":
		if err = fetch(IndexFP, attrFP, scope.FulfillmentPartner); err == nil {
			err = fetch(IndexSub, attrSub, scope.FulfillmentPartner)
		}
	case scope.ContentPartner != "":
		err = fetch(IndexCP, attrCP, scope.ContentPartner)
	}
	if err != nil {
		return nil, err
	}
	out := slices.Concat(parts...)
	if len(parts) > 1 {
		slices.SortFunc(out, func(a, b *lot.Request) int { return strings.Compare(a.ID, b.ID) })
		out = slices.CompactFunc(out, func(a, b *lot.Request) bool { return a.ID == b.ID })
	}
	return out, nil
}

// ItemsRead counts the request items this store has read from indexes, for
// the search benchmark's items-read-per-item-in-scope figure.
func (s *Store) ItemsRead() int64 { return s.itemsRead.Load() }

// queryIndex returns up to want (0: all) requests with attr = value and ID > after.
func (s *Store) queryIndex(ctx context.Context, index, attr, value, after string, want int) ([]*lot.Request, error) {
	out := make([]*lot.Request, 0, min(want, 64))
	in := &dynamodb.QueryInput{
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#h = :h"),
		ExpressionAttributeNames:  map[string]string{"#h": attr},
		ExpressionAttributeValues: item{":h": str(value)},
	}
	if want > 0 {
		in.Limit = aws.Int32(int32(want))
	}
	if after != "" { // DynamoDB refuses empty strings in key conditions
		in.KeyConditionExpression = aws.String("#h = :h AND #id > :after")
		in.ExpressionAttributeNames["#id"] = attrID
		in.ExpressionAttributeValues[":after"] = str(after)
	}
	var bad error
	err := s.query(ctx, in, "request", func(it item) bool {
		s.itemsRead.Add(1)
		var r *lot.Request
		if r, bad = decodeItem(it); bad != nil {
			return true
		}
		out = append(out, r)
		return want > 0 && len(out) >= want
	})
	if err == nil {
		err = bad
	}
	return out, err
}
