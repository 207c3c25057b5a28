package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/record"
)

// IndexParent lists documents (materials, proxies, downloads) by parent
// (sparse: only documents carry par).
const IndexParent = "byParent"

func docKey(kind, id string) item { return key("DOC#"+kind+"#"+id, "DOC") }

func docItem(kind, id, parent string, data []byte, version int64) item {
	it := docKey(kind, id)
	it["par"] = str(kind + "#" + parent)
	it[attrID] = str(id)
	it[attrVersion] = num(version)
	it[attrData] = str(string(data))
	return it
}

// CreateDoc stores a document at version 1 (one conditional put).
func (s *Store) CreateDoc(ctx context.Context, kind, id, parent string, data []byte) error {
	return s.put(ctx, docItem(kind, id, parent, data, 1), "attribute_not_exists(pk)", nil, kind)
}

// GetDoc fails with not_found (strongly consistent).
func (s *Store) GetDoc(ctx context.Context, kind, id string) ([]byte, int64, error) {
	it, err := s.get(ctx, docKey(kind, id), kind)
	if err != nil {
		return nil, 0, err
	}
	if it == nil {
		return nil, 0, lot.Errorf(lot.CodeNotFound, "no such %s", kind)
	}
	return []byte(getS(it, attrData)), getN(it, attrVersion), nil
}

// ReplaceDoc writes at version+1 with a put conditioned on version.
func (s *Store) ReplaceDoc(ctx context.Context, kind, id, parent string, data []byte, version int64) error {
	return s.put(ctx, docItem(kind, id, parent, data, version+1), "ver = :v", item{":v": num(version)}, kind)
}

// ListDocs queries byParent (eventually consistent, like every index read).
func (s *Store) ListDocs(ctx context.Context, kind, parent string) ([][]byte, []int64, error) {
	var data [][]byte
	var versions []int64
	err := s.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexParent),
		KeyConditionExpression:    aws.String("par = :p"),
		ExpressionAttributeValues: item{":p": str(kind + "#" + parent)},
	}, kind, func(it item) bool {
		data = append(data, []byte(getS(it, attrData)))
		versions = append(versions, getN(it, attrVersion))
		return false
	})
	return data, versions, err
}

var _ record.DocStore = (*Store)(nil)
