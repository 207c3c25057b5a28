package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Indexes lists the global secondary indexes as (name, partition key, sort
// key). The CDK stack in infra/ declares the same; its assertions pin them.
var Indexes = [][3]string{
	{IndexAll, attrType, attrID},
	{IndexFP, attrFP, attrID},
	{IndexSub, attrSub, attrID},
	{IndexCP, attrCP, attrID},
}

// Projected are the non-key attributes the indexes carry: enough to answer a
// list without reading the table again.
var Projected = []string{attrVersion, attrData}

// CreateTable creates the table as the stack does (on-demand) and waits until
// it is active. Tests and local tooling use it; production tables come from
// infra/.
func (s *Store) CreateTable(ctx context.Context) error {
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(attrSK), AttributeType: types.ScalarAttributeTypeS},
	}
	seen := map[string]bool{attrPK: true, attrSK: true}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range Indexes {
		for _, a := range ix[1:] {
			if !seen[a] {
				seen[a] = true
				attrs = append(attrs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
			}
		}
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix[0]),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix[1]), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix[2]), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: Projected},
		})
	}
	_, err := s.db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &s.table,
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange},
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
