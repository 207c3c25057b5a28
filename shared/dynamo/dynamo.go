// Package dynamo is the lot.Store on Amazon DynamoDB: one table, every state
// change one conditional write. DESIGN.md beside this file lists the access
// patterns and the keys and indexes that serve them.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/record"
)

// Store implements lot.Store on one DynamoDB table.
type Store struct {
	record.Materials // over byParent documents (CreateDoc …)
	db               *dynamodb.Client
	table            string
	log              *slog.Logger
	itemsRead        atomic.Int64
	changesRead      atomic.Int64
	now              func() time.Time // change stamps (chg)

	listenMu  sync.Mutex
	listeners []func(*lot.Request)
}

var _ lot.Store = (*Store)(nil)

// Options tune a Store; the zero value is production's.
type Options struct {
	// MaxAttempts bounds the tries of one call when DynamoDB throttles or
	// fails transiently (default 6); after that the call fails with unavailable.
	MaxAttempts int
	// MaxBackoff caps the wait between tries (default 2 s).
	MaxBackoff time.Duration
	Log        *slog.Logger
}

// New returns a store on table, with a client made from cfg.
func New(cfg aws.Config, table string, opt Options) *Store {
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 6
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 2 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = opt.MaxAttempts
			so.MaxBackoff = opt.MaxBackoff
		})
	})
	s := &Store{db: db, table: table, log: opt.Log, now: time.Now}
	s.Materials = record.Materials{Docs: s}
	return s
}

// Table is the name of the store's table.
func (s *Store) Table() string { return s.table }

// Close releases nothing: the client holds only idle HTTP connections.
func (s *Store) Close() error { return nil }

// Key attribute and index names; DESIGN.md explains them.
const (
	attrPK      = "pk"
	attrSK      = "sk"
	attrType    = "t"
	attrID      = "id"
	attrFP      = "fp"
	attrSub     = "sub"
	attrCP      = "cp"
	attrVersion = "ver"
	attrData    = "data"
	attrLatest  = "latest"
	attrExpires = "expiresAt" // the table's TTL attribute
	attrChange  = "chg"       // when a request item was written (changes.go)

	IndexAll = "byAll"
	IndexFP  = "byFP"
	IndexSub = "bySub"
	IndexCP  = "byCP"
	// IndexChange lists request items by when they were written (changes.go).
	IndexChange = "byChange"
)

// translate turns SDK errors into domain errors. what names the record.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if lot.Passes(err) {
		return err
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return lot.Errorf(lot.CodeConflict, "the %s changed meanwhile; reload and try again", what)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
			"InternalServerError", "ServiceUnavailable", "LimitExceededException":
			return &lot.Error{Code: lot.CodeUnavailable, Message: "the database is busy; try again shortly"}
		}
	}
	var maxed *retry.MaxAttemptsError
	if errors.As(err, &maxed) {
		return &lot.Error{Code: lot.CodeUnavailable, Message: "the database is busy; try again shortly"}
	}
	return fmt.Errorf("dynamodb %s: %w", what, err)
}

type item = map[string]types.AttributeValue

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func num(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func key(pk, sk string) item { return item{attrPK: str(pk), attrSK: str(sk)} }

func getS(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(it item, name string) int64 {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func getB(it item, name string) []byte {
	if v, ok := it[name].(*types.AttributeValueMemberB); ok {
		return v.Value
	}
	return nil
}

func (s *Store) put(ctx context.Context, it item, cond string, values item, what string) error {
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: it}
	if cond != "" {
		in.ConditionExpression = &cond
		if len(values) > 0 {
			in.ExpressionAttributeValues = values
		}
	}
	_, err := s.db.PutItem(ctx, in)
	return translate(err, what)
}

// get reads one item with a strongly consistent read; nil when absent.
func (s *Store) get(ctx context.Context, k item, what string) (item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, translate(err, what)
	}
	return out.Item, nil
}

// query runs in to the end (or until stop returns true), page by page.
func (s *Store) query(ctx context.Context, in *dynamodb.QueryInput, what string, each func(item) (stop bool)) error {
	in.TableName = &s.table
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return translate(err, what)
		}
		for _, it := range out.Items {
			if each(it) {
				return nil
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
