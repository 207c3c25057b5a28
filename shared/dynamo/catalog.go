package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/record"
)

const partnersPK = "PARTNER" // every partner in one item collection: ListPartners is one Query

func titleKey(id int64) item   { return key("TITLE#"+strconv.FormatInt(id, 10), "TITLE") }
func packageKey(id int64) item { return key("PACKAGE#"+strconv.FormatInt(id, 10), "PACKAGE") }
func clientKey(id string) item { return key("CLIENT#"+id, "CLIENT") }
func idemKey(k string) item    { return key("IDEM#"+k, "IDEM") }

// putDoc stores record v as the data attribute of the item at k.
func (s *Store) putDoc(ctx context.Context, k item, v any, what string) error {
	k[attrData] = str(string(record.JSON(v)))
	return s.put(ctx, k, "", nil, what)
}

// getDoc decodes the data attribute of the item at k into v; not_found when absent.
func (s *Store) getDoc(ctx context.Context, k item, v any, what string) error {
	it, err := s.get(ctx, k, what)
	if err != nil {
		return err
	}
	if it == nil {
		return lot.Errorf(lot.CodeNotFound, "no such %s", what)
	}
	if err := json.Unmarshal([]byte(getS(it, attrData)), v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

// PutPartner creates or replaces a partner.
func (s *Store) PutPartner(ctx context.Context, p *lot.Partner) error {
	return s.putDoc(ctx, key(partnersPK, p.ID), record.FromPartner(p), "partner")
}

// GetPartner fails with not_found for an unknown ID.
func (s *Store) GetPartner(ctx context.Context, id string) (*lot.Partner, error) {
	var row record.Partner
	if err := s.getDoc(ctx, key(partnersPK, id), &row, "partner"); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ListPartners returns every partner by ID.
func (s *Store) ListPartners(ctx context.Context) ([]*lot.Partner, error) {
	var out []*lot.Partner
	var bad error
	err := s.query(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": str(partnersPK)},
		ConsistentRead:            aws.Bool(true),
	}, "partner", func(it item) bool {
		var row record.Partner
		if bad = json.Unmarshal([]byte(getS(it, attrData)), &row); bad != nil {
			return true
		}
		out = append(out, row.Domain())
		return false
	})
	if err == nil && bad != nil {
		err = fmt.Errorf("decode partner: %w", bad)
	}
	return out, err
}

// PutTitle creates or replaces a title.
func (s *Store) PutTitle(ctx context.Context, t *lot.Title) error {
	return s.putDoc(ctx, titleKey(t.MovieID), record.FromTitle(t), "title")
}

// GetTitle fails with not_found for an unknown movie ID.
func (s *Store) GetTitle(ctx context.Context, movieID int64) (*lot.Title, error) {
	var row record.Title
	if err := s.getDoc(ctx, titleKey(movieID), &row, "title"); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// PutPackage creates or replaces a package.
func (s *Store) PutPackage(ctx context.Context, p *lot.Package) error {
	return s.putDoc(ctx, packageKey(p.ID), record.FromPackage(p), "package")
}

// GetPackage fails with not_found for an unknown package ID.
func (s *Store) GetPackage(ctx context.Context, id int64) (*lot.Package, error) {
	var row record.Package
	if err := s.getDoc(ctx, packageKey(id), &row, "package"); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// PutClient creates or replaces an OAuth2 client.
func (s *Store) PutClient(ctx context.Context, c *lot.Client) error {
	return s.putDoc(ctx, clientKey(c.ID), record.FromClient(c), "client")
}

// GetClient fails with not_found for an unknown client.
func (s *Store) GetClient(ctx context.Context, id string) (*lot.Client, error) {
	var row record.Client
	if err := s.getDoc(ctx, clientKey(id), &row, "client"); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ClaimKey claims an idempotency key with one conditional put (absent, or
// older than ttl), or returns what the key already holds.
func (s *Store) ClaimKey(ctx context.Context, k, hash string, now time.Time, ttl time.Duration) (*lot.Saved, error) {
	for range 5 {
		it := idemKey(k)
		it["hash"] = str(hash)
		it["done"] = &types.AttributeValueMemberBOOL{Value: false}
		it["created"] = num(now.UnixMilli())
		it[attrExpires] = num(now.Add(ttl).Unix())
		if owner := lot.KeyOwner(k); owner != "" { // HeldKeys counts it through byParent
			it["par"] = str(idemParent(owner))
			it[attrID] = str(fmt.Sprintf("%013d#%s", now.UnixMilli(), k))
		}
		err := s.put(ctx, it, "attribute_not_exists(pk) OR created < :cutoff",
			item{":cutoff": num(now.Add(-ttl).UnixMilli())}, "idempotency key")
		if err == nil {
			return nil, nil
		}
		if !lot.IsCode(err, lot.CodeConflict) {
			return nil, err
		}
		got, err := s.get(ctx, idemKey(k), "idempotency key")
		if err != nil {
			return nil, err
		}
		if got == nil {
			continue // released between the put and the read: claim again
		}
		done, _ := got["done"].(*types.AttributeValueMemberBOOL)
		return &lot.Saved{
			Key: k, RequestHash: getS(got, "hash"), Done: done != nil && done.Value,
			Status: int(getN(got, "status")), ContentType: getS(got, "contentType"), Body: getB(got, "body"),
			CreatedAt: time.UnixMilli(getN(got, "created")).UTC(),
		}, nil
	}
	return nil, &lot.Error{Code: lot.CodeUnavailable, Message: "the idempotency key is contended; try again"}
}

// FinishKey stores the answer for a claimed key.
func (s *Store) FinishKey(ctx context.Context, k string, status int, contentType string, body []byte) error {
	values := item{":t": &types.AttributeValueMemberBOOL{Value: true}, ":s": num(int64(status)), ":c": str(contentType)}
	expr := "SET done = :t, #st = :s, contentType = :c"
	if len(body) > 0 {
		values[":b"] = &types.AttributeValueMemberB{Value: body}
		expr += ", body = :b"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: idemKey(k), UpdateExpression: &expr,
		ConditionExpression:      aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#st": "status"}, ExpressionAttributeValues: values,
	})
	return translate(err, "idempotency key")
}

// idemParent is the byParent partition of owner's idempotency keys.
func idemParent(owner string) string { return "IDEMPOTENCY#" + owner }

// HeldKeys counts owner's keys claimed at or after since: one Query (COUNT)
// of byParent, whose sort key starts with the claim's time; eventually
// consistent, as every index read.
func (s *Store) HeldKeys(ctx context.Context, owner string, since time.Time) (int, error) {
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(IndexParent), Select: types.SelectCount,
		KeyConditionExpression:    aws.String("par = :p AND id >= :s"),
		ExpressionAttributeValues: item{":p": str(idemParent(owner)), ":s": str(fmt.Sprintf("%013d", max(since.UnixMilli(), 0)))},
	}
	n := 0
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return 0, translate(err, "idempotency key")
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// ReleaseKey forgets a key.
func (s *Store) ReleaseKey(ctx context.Context, k string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: idemKey(k)})
	return translate(err, "idempotency key")
}

func templateKey(owner, name string) item { return key("TPL#"+owner, name) }

// PutTemplate creates or replaces a saved search.
func (s *Store) PutTemplate(ctx context.Context, t *lot.Template) error {
	return s.putDoc(ctx, templateKey(t.Owner, t.Name), record.FromTemplate(t), "template")
}

// GetTemplate fails with not_found for an unknown template.
func (s *Store) GetTemplate(ctx context.Context, owner, name string) (*lot.Template, error) {
	var row record.Template
	if err := s.getDoc(ctx, templateKey(owner, name), &row, "template"); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ListTemplates returns the owner's templates by name (one Query).
func (s *Store) ListTemplates(ctx context.Context, owner string) ([]*lot.Template, error) {
	out := []*lot.Template{}
	var bad error
	err := s.query(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": str("TPL#" + owner)},
		ConsistentRead:            aws.Bool(true),
	}, "template", func(it item) bool {
		var row record.Template
		if bad = json.Unmarshal([]byte(getS(it, attrData)), &row); bad != nil {
			return true
		}
		out = append(out, row.Domain())
		return false
	})
	if err == nil && bad != nil {
		err = fmt.Errorf("decode template: %w", bad)
	}
	return out, err
}

// DeleteTemplate fails with not_found for an unknown template.
func (s *Store) DeleteTemplate(ctx context.Context, owner, name string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: templateKey(owner, name),
		ConditionExpression: aws.String("attribute_exists(pk)")})
	if lot.IsCode(translate(err, "template"), lot.CodeConflict) {
		return lot.Errorf(lot.CodeNotFound, "no such template")
	}
	return translate(err, "template")
}

// IndexRequest lists a request's transfers (sparse: only transfers carry rq).
const IndexRequest = "byRequest"

// IndexQueue lists transfers by the queue they wait in (lot.Transfer.Queue;
// sparse: only transfers in a queue carry qu).
const IndexQueue = "byQueue"

const attrQueue = "qu"

func transferKey(id string) item { return key("TRANSFER#"+id, "TRANSFER") }

func transferItem(t *lot.Transfer, version int64) item {
	it := transferKey(t.ID)
	it["rq"] = str(t.RequestID)
	it[attrID] = str(t.ID)
	it[attrVersion] = num(version)
	it[attrData] = str(string(record.JSON(record.FromTransfer(t))))
	if q := t.Queue(); q != "" {
		it[attrQueue] = str(string(q)) // byQueue: one partition per queue
	}
	return it
}

// CreateTransfer stores a new transfer at version 1 (one conditional put).
func (s *Store) CreateTransfer(ctx context.Context, t *lot.Transfer) error {
	err := s.put(ctx, transferItem(t, 1), "attribute_not_exists(pk)", nil, "transfer")
	if err == nil {
		t.Version = 1
	}
	return err
}

// GetTransfer fails with not_found for an unknown transfer.
func (s *Store) GetTransfer(ctx context.Context, id string) (*lot.Transfer, error) {
	it, err := s.get(ctx, transferKey(id), "transfer")
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, lot.Errorf(lot.CodeNotFound, "no such transfer")
	}
	return record.DecodeTransfer([]byte(getS(it, attrData)), getN(it, attrVersion))
}

// UpdateTransfer writes fn's change with a put conditioned on the version loaded.
func (s *Store) UpdateTransfer(ctx context.Context, id string, fn func(*lot.Transfer) (bool, error)) (*lot.Transfer, error) {
	t, err := s.GetTransfer(ctx, id)
	if err != nil {
		return nil, err
	}
	changed, err := fn(t)
	if err != nil || !changed {
		return t, err
	}
	if err := s.put(ctx, transferItem(t, t.Version+1), "ver = :v", item{":v": num(t.Version)}, "transfer"); err != nil {
		return nil, err
	}
	t.Version++
	return t, nil
}

// ListTransfers returns a request's transfers, newest first (IDs sort by time).
func (s *Store) ListTransfers(ctx context.Context, requestID string) ([]*lot.Transfer, error) {
	out := []*lot.Transfer{}
	var bad error
	err := s.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexRequest),
		KeyConditionExpression:    aws.String("rq = :rq"),
		ExpressionAttributeValues: item{":rq": str(requestID)},
		ScanIndexForward:          aws.Bool(false),
	}, "transfer", func(it item) bool {
		var t *lot.Transfer
		if t, bad = record.DecodeTransfer([]byte(getS(it, attrData)), getN(it, attrVersion)); bad != nil {
			return true
		}
		out = append(out, t)
		return false
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// ListQueue queries byQueue, one partition per queue asked for, newest
// first, and merges them by ID. Tenancy and the partner filter are applied
// to the items read: the items read are the transfers of those queues,
// older than after, until a page is full (for an operator, the page
// itself).
func (s *Store) ListQueue(ctx context.Context, f lot.QueueFilter, after string, limit int) ([]*lot.Transfer, string, error) {
	if limit <= 0 || limit > lot.MaxPage {
		limit = lot.MaxPage
	}
	var out []*lot.Transfer
	for _, qu := range f.Queues {
		cond, vals := "qu = :q", item{":q": str(string(qu))}
		if after != "" {
			cond, vals[":a"] = cond+" AND id < :a", str(after)
		}
		n, bad := 0, error(nil)
		err := s.query(ctx, &dynamodb.QueryInput{
			IndexName:                 aws.String(IndexQueue),
			KeyConditionExpression:    aws.String(cond),
			ExpressionAttributeValues: vals,
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(int32(limit + 1)),
		}, "transfer", func(it item) bool {
			var t *lot.Transfer
			if t, bad = record.DecodeTransfer([]byte(getS(it, attrData)), getN(it, attrVersion)); bad != nil {
				return true
			}
			// The index lags the table a little: the queue read back decides.
			if f.Matches(t) && t.Queue() == qu {
				out = append(out, t)
				n++
			}
			return n > limit
		})
		if err == nil {
			err = bad
		}
		if err != nil {
			return nil, "", err
		}
	}
	slices.SortFunc(out, func(a, b *lot.Transfer) int { return strings.Compare(b.ID, a.ID) })
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	if out == nil {
		out = []*lot.Transfer{}
	}
	return out, next, nil
}
