package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openlot/openlot/shared/lot"
)

// Following changes (DESIGN.md, "Search that follows changes"): every put
// of a request item stamps it with chg, the writer's clock in Unix
// nanoseconds (19 digits, so stamps sort as strings). The byChange index
// (t = request, chg) lists request items by stamp and projects only what a
// reader needs to decide whether to read the item: ver, fp, sub, cp.

func stampOf(t time.Time) string { return fmt.Sprintf("%019d", t.UnixNano()) }

func timeOfStamp(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// stamped sets the change stamp of a request item about to be put.
func (s *Store) stamped(it item) item {
	it[attrChange] = str(stampOf(s.now()))
	return it
}

// OnRequestChange calls fn with the stored state of every request this store
// creates or changes, after the write succeeds, on the writer's goroutine:
// an instance's search indexes learn its own changes at once. fn must not
// change the request, and must return quickly.
func (s *Store) OnRequestChange(fn func(*lot.Request)) {
	s.listenMu.Lock()
	defer s.listenMu.Unlock()
	s.listeners = append(s.listeners, fn)
}

func (s *Store) changed(r *lot.Request) {
	s.listenMu.Lock()
	fns := s.listeners
	s.listenMu.Unlock()
	for _, fn := range fns {
		fn(r)
	}
}

// RequestChanges reads the request items written after since (by their
// stamps) from the byChange index, and of those reads again, whole and
// strongly consistent, only the ones a holder of scope's index lacks:
// have(id) tells the version the holder has of request id. It returns the
// requests read (in scope or not: the caller drops those that left it),
// the IDs of requests the holder has that the index shows out of scope now
// (reassigned), and the newest stamp seen (since, when none). Items read
// whole count in ItemsRead, index entries in ChangesRead.
func (s *Store) RequestChanges(ctx context.Context, scope lot.Scope, since time.Time, have func(id string) (version int64, ok bool)) (changed []*lot.Request, gone []string, latest time.Time, err error) {
	latest = since
	var fetch []string
	err = s.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexChange),
		KeyConditionExpression:    aws.String("#t = :t AND #c > :since"),
		ExpressionAttributeNames:  map[string]string{"#t": attrType, "#c": attrChange},
		ExpressionAttributeValues: item{":t": str(requestType), ":since": str(stampOf(since))},
	}, "request changes", func(it item) bool {
		s.changesRead.Add(1)
		if at := timeOfStamp(getS(it, attrChange)); at.After(latest) {
			latest = at
		}
		id := strings.TrimPrefix(getS(it, attrPK), "REQ#")
		in := scope.Contains(&lot.Request{FulfillmentPartner: getS(it, attrFP), SubAssignee: getS(it, attrSub), ContentPartner: getS(it, attrCP)})
		v, ok := have(id)
		switch {
		case ok && v >= getN(it, attrVersion):
			// the holder has this version or a newer one
		case in:
			fetch = append(fetch, id)
		case ok:
			gone = append(gone, id)
		}
		return false
	})
	if err != nil {
		return nil, nil, since, err
	}
	changed, err = s.getRequests(ctx, dedupe(fetch))
	return changed, gone, latest, err
}

// ChangesRead counts the byChange index entries this store has read.
func (s *Store) ChangesRead() int64 { return s.changesRead.Load() }

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// getRequests reads requests by ID, strongly consistent, a few at a time;
// a request missing by now is left out.
func (s *Store) getRequests(ctx context.Context, ids []string) ([]*lot.Request, error) {
	out := make([]*lot.Request, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.itemsRead.Add(1)
			out[i], errs[i] = s.GetRequest(ctx, id)
			if lot.IsCode(errs[i], lot.CodeNotFound) {
				errs[i] = nil
			}
		}()
	}
	wg.Wait()
	var found []*lot.Request
	for i, r := range out {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if r != nil {
			found = append(found, r)
		}
	}
	return found, nil
}
