package dynamo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Schema is the table's keys and indexes, from schema.json, which the CDK
// stack in infra/ reads too: one definition for both.
type Schema struct {
	PartitionKey string `json:"partitionKey"`
	SortKey      string `json:"sortKey"`
	TTLAttribute string `json:"ttlAttribute"`
	Indexes      []struct {
		Name         string `json:"name"`
		PartitionKey string `json:"partitionKey"`
		SortKey      string `json:"sortKey"`
		// Projected, when set, replaces the default Projected for this index.
		Projected []string `json:"projected,omitempty"`
	} `json:"indexes"`
	// Projected are the non-key attributes the indexes carry: enough to
	// answer a list without reading the table again.
	Projected []string `json:"projected"`
}

//go:embed schema.json
var schemaJSON []byte

// TableSchema returns the schema; it panics if schema.json does not match
// the attribute names this package uses (a test checks it).
func TableSchema() Schema {
	var s Schema
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		panic(err)
	}
	return s
}

// CreateTable creates the table as the stack does (on-demand) and waits until
// it is active. Tests and local tooling use it; production tables come from
// infra/.
func (s *Store) CreateTable(ctx context.Context) error {
	schema := TableSchema()
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(schema.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(schema.SortKey), AttributeType: types.ScalarAttributeTypeS},
	}
	seen := map[string]bool{schema.PartitionKey: true, schema.SortKey: true}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range schema.Indexes {
		for _, a := range []string{ix.PartitionKey, ix.SortKey} {
			if !seen[a] {
				seen[a] = true
				attrs = append(attrs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
			}
		}
		projected := schema.Projected
		if ix.Projected != nil {
			projected = ix.Projected
		}
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: projected},
		})
	}
	_, err := s.db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &s.table,
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(schema.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(schema.SortKey), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return translate(err, "table")
	}
	w := dynamodb.NewTableExistsWaiter(s.db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return translate(w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &s.table}, 2*time.Minute), "table")
}
