/// Request and response shapes of the DynamoDB operations this module calls, in DynamoDB's JSON protocol.
package enum DynamoDB {
    /// One item: attribute names to typed values.
    package typealias Item = [String: AttributeValue]

    /// What Scan asks for.
    package struct ScanRequest: Sendable, Encodable {
        /// The table.
        package var tableName: String
        /// At most this many items evaluated per page.
        package var limit: Int?
        /// The attributes to return (`connectionId, userId`); all when `nil`.
        package var projectionExpression: String?
        /// Where the page starts: the previous page's `lastEvaluatedKey`.
        package var exclusiveStartKey: Item?

        /// Makes a request for the first page.
        package init(
            tableName: String, limit: Int? = nil, projectionExpression: String? = nil, exclusiveStartKey: Item? = nil
        ) {
            self.tableName = tableName
            self.limit = limit
            self.projectionExpression = projectionExpression
            self.exclusiveStartKey = exclusiveStartKey
        }

        private enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case limit = "Limit"
            case projectionExpression = "ProjectionExpression"
            case exclusiveStartKey = "ExclusiveStartKey"
        }
    }

    /// One page of a Scan or a Query.
    package struct ItemPage: Sendable, Decodable, Equatable {
        /// The items of this page (a Query's in sort-key order).
        package var items: [Item]
        /// Where the next page starts; `nil` on the last page.
        package var lastEvaluatedKey: Item?

        private enum CodingKeys: String, CodingKey {
            case items = "Items"
            case lastEvaluatedKey = "LastEvaluatedKey"
        }

        /// Reads a page, an absent item list as an empty one.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            items = try container.decodeIfPresent([Item].self, forKey: .items) ?? []
            lastEvaluatedKey = try container.decodeIfPresent(Item.self, forKey: .lastEvaluatedKey)
        }
    }
}
