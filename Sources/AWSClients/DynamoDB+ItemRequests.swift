extension DynamoDB {
    /// What PutItem asks for
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html).
    package struct PutItemRequest: Sendable, Encodable {
        /// The table.
        package var tableName: String
        /// The whole item, its key attributes included; it replaces any item with the same key.
        package var item: Item
        /// A condition the write needs, e.g. `attribute_not_exists(id)`; a false one fails with
        /// `ConditionalCheckFailedException`.
        package var conditionExpression: String?
        /// Substitutes for attribute names in the expression (`#ts` → `timestamp`).
        package var expressionAttributeNames: [String: String]?
        /// The values the expression names (`:id`).
        package var expressionAttributeValues: Item?

        /// Makes a request; without a condition the item is written whatever is there.
        package init(
            tableName: String, item: Item, conditionExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil, expressionAttributeValues: Item? = nil
        ) {
            self.tableName = tableName
            self.item = item
            self.conditionExpression = conditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
        }

        private enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case item = "Item"
            case conditionExpression = "ConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
        }
    }

    /// What GetItem asks for
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html).
    package struct GetItemRequest: Sendable, Encodable {
        /// The table.
        package var tableName: String
        /// The item's whole primary key.
        package var key: Item
        /// Whether the read sees every write acknowledged before it (costs twice the read capacity).
        package var consistentRead: Bool?

        /// Makes a request.
        package init(tableName: String, key: Item, consistentRead: Bool? = nil) {
            self.tableName = tableName
            self.key = key
            self.consistentRead = consistentRead
        }

        private enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case key = "Key"
            case consistentRead = "ConsistentRead"
        }
    }

    /// The answer of GetItem: the item, absent when no item has the key.
    package struct GetItemResult: Sendable, Decodable, Equatable {
        /// The item; `nil` when there is none.
        package var item: Item?

        private enum CodingKeys: String, CodingKey {
            case item = "Item"
        }
    }

    /// What Query asks for: the items of one partition (of the table or of an index), in sort-key order
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html).
    package struct QueryRequest: Sendable, Encodable {
        /// The table.
        package var tableName: String
        /// A global or local secondary index of the table to query instead of the table.
        package var indexName: String?
        /// The partition key's equality and an optional sort-key condition, e.g. `#g = :g AND #ts > :ts`.
        package var keyConditionExpression: String
        /// Substitutes for attribute names in the expression (`#ts` → `timestamp`, a reserved word).
        package var expressionAttributeNames: [String: String]?
        /// The values the expression names (`:g`).
        package var expressionAttributeValues: Item?
        /// At most this many items evaluated per page.
        package var limit: Int?
        /// Where the page starts: the previous page's `lastEvaluatedKey` (or any item's key, to start after it).
        package var exclusiveStartKey: Item?
        /// Ascending sort-key order when true or absent, descending when false.
        package var scanIndexForward: Bool?
        /// Whether the read sees every write acknowledged before it; not allowed on a global secondary index.
        package var consistentRead: Bool?

        /// Makes a request for the first page, ascending.
        package init(
            tableName: String, indexName: String? = nil, keyConditionExpression: String,
            expressionAttributeNames: [String: String]? = nil, expressionAttributeValues: Item? = nil,
            limit: Int? = nil, exclusiveStartKey: Item? = nil, scanIndexForward: Bool? = nil,
            consistentRead: Bool? = nil
        ) {
            self.tableName = tableName
            self.indexName = indexName
            self.keyConditionExpression = keyConditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.limit = limit
            self.exclusiveStartKey = exclusiveStartKey
            self.scanIndexForward = scanIndexForward
            self.consistentRead = consistentRead
        }

        private enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case indexName = "IndexName"
            case keyConditionExpression = "KeyConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case limit = "Limit"
            case exclusiveStartKey = "ExclusiveStartKey"
            case scanIndexForward = "ScanIndexForward"
            case consistentRead = "ConsistentRead"
        }
    }
}
