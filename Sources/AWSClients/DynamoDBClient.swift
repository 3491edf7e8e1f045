package import Logging

/// The DynamoDB operations the worker and the app's catalog need (Scan, Query, GetItem, PutItem, DeleteItem), over DynamoDB's JSON protocol
/// (`X-Amz-Target: DynamoDB_20120810.<Operation>`, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/).
package struct DynamoDBClient: Sendable {
    /// Signs, sends and retries.
    package let client: AWSClient
    /// Where DynamoDB is and the region requests are signed for.
    package let endpoint: AWSEndpoint

    /// Makes a client for the DynamoDB endpoint.
    package init(client: AWSClient, endpoint: AWSEndpoint) {
        self.client = client
        self.endpoint = endpoint
    }

    /// Reads one page of a table scan; pass its `lastEvaluatedKey` as the next request's `exclusiveStartKey`.
    package func scan(_ request: DynamoDB.ScanRequest, logger: Logger) async throws(AWSError) -> DynamoDB.ItemPage {
        try await client.callJSON(target: "DynamoDB_20120810.Scan", input: request, endpoint: endpoint, logger: logger)
    }

    /// Reads every page of a table scan, up to `maxPages`, following `LastEvaluatedKey`.
    package func scanAll(_ request: DynamoDB.ScanRequest, maxPages: Int = 1000, logger: Logger) async throws(AWSError)
        -> [DynamoDB.Item]
    {
        var request = request
        var items: [DynamoDB.Item] = []
        for _ in 0..<maxPages {
            let page = try await scan(request, logger: logger)
            items += page.items
            guard let next = page.lastEvaluatedKey else { return items }
            request.exclusiveStartKey = next
        }
        throw AWSError(
            .invalidResponse,
            "the scan of \(request.tableName) did not end within \(maxPages) pages: raise maxPages or scan page by page",
            retryable: false
        )
    }

    /// Reads one page of a Query; pass its `lastEvaluatedKey` as the next request's `exclusiveStartKey`.
    package func query(_ request: DynamoDB.QueryRequest, logger: Logger) async throws(AWSError) -> DynamoDB.ItemPage {
        try await client.callJSON(target: "DynamoDB_20120810.Query", input: request, endpoint: endpoint, logger: logger)
    }

    /// Reads the item with the request's primary key; `nil` when there is none.
    package func getItem(_ request: DynamoDB.GetItemRequest, logger: Logger) async throws(AWSError) -> DynamoDB.Item? {
        let result: DynamoDB.GetItemResult = try await client.callJSON(
            target: "DynamoDB_20120810.GetItem", input: request, endpoint: endpoint, logger: logger)
        return result.item
    }

    /// Writes an item, replacing one with the same key; a false `conditionExpression` fails with
    /// `ConditionalCheckFailedException` (`DynamoDB.ErrorMeaning.conditionalCheckFailed`) and writes nothing.
    package func putItem(_ request: DynamoDB.PutItemRequest, logger: Logger) async throws(AWSError) {
        let _: EmptyAnswer = try await client.callJSON(
            target: "DynamoDB_20120810.PutItem", input: request, endpoint: endpoint, logger: logger)
    }

    /// Deletes the item with primary key `key`; deleting an absent item succeeds.
    package func deleteItem(tableName: String, key: DynamoDB.Item, logger: Logger) async throws(AWSError) {
        struct Input: Encodable {
            let TableName: String
            let Key: DynamoDB.Item
        }
        let _: EmptyAnswer = try await client.callJSON(
            target: "DynamoDB_20120810.DeleteItem",
            input: Input(TableName: tableName, Key: key),
            endpoint: endpoint,
            logger: logger
        )
    }
}
