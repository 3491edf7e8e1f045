package import AWSClients

extension EmulatorClients {
    /// Creates a pay-per-request table keyed by the string attribute `key`, fills it with `items`, and returns its name.
    package func makeTable(key: String, items: [DynamoDB.Item]) async throws -> String {
        struct Definition: Encodable {
            struct Attribute: Encodable {
                let AttributeName: String
                let AttributeType: String
            }

            struct Key: Encodable {
                let AttributeName: String
                let KeyType: String
            }

            let TableName: String
            let AttributeDefinitions: [Attribute]
            let KeySchema: [Key]
            let BillingMode: String
        }
        struct Put: Encodable {
            let TableName: String
            let Item: DynamoDB.Item
        }
        let table = Emulator.uniqueName("table")
        let definition = Definition(
            TableName: table,
            AttributeDefinitions: [.init(AttributeName: key, AttributeType: "S")],
            KeySchema: [.init(AttributeName: key, KeyType: "HASH")],
            BillingMode: "PAY_PER_REQUEST"
        )
        let endpoint = dynamoDB.endpoint
        let _: EmptyAnswer = try await client.callJSON(
            target: "DynamoDB_20120810.CreateTable", input: definition, endpoint: endpoint, logger: Emulator.logger)
        for item in items {
            let _: EmptyAnswer = try await client.callJSON(
                target: "DynamoDB_20120810.PutItem", input: Put(TableName: table, Item: item), endpoint: endpoint,
                logger: Emulator.logger)
        }
        return table
    }
}

extension EmulatorClients {
    /// What DescribeTable says of a table's keys and indexes.
    package struct TableDescription: Decodable, Sendable {
        /// One key attribute: its name and `HASH` or `RANGE`.
        package struct Key: Decodable, Sendable, Hashable {
            /// The attribute.
            package let AttributeName: String
            /// `HASH` or `RANGE`.
            package let KeyType: String
        }

        /// An attribute's declared type.
        package struct Attribute: Decodable, Sendable, Hashable {
            /// The attribute.
            package let AttributeName: String
            /// `S`, `N` or `B`.
            package let AttributeType: String
        }

        /// A global secondary index.
        package struct Index: Decodable, Sendable {
            /// What the index copies.
            package struct Projection: Decodable, Sendable {
                /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
                package let ProjectionType: String
            }

            /// The index's name.
            package let IndexName: String
            /// Its key.
            package let KeySchema: [Key]
            /// What it copies.
            package let Projection: Projection
        }

        /// The billing summary.
        package struct Billing: Decodable, Sendable {
            /// `PAY_PER_REQUEST` or `PROVISIONED`.
            package let BillingMode: String?
        }

        /// The table's name.
        package let TableName: String
        /// The table's key.
        package let KeySchema: [Key]
        /// The key attributes' types.
        package let AttributeDefinitions: [Attribute]
        /// The global secondary indexes, if any.
        package let GlobalSecondaryIndexes: [Index]?
        /// The billing mode, when the emulator reports it.
        package let BillingModeSummary: Billing?
    }

    /// The description of `table` (DynamoDB DescribeTable).
    package func describeTable(_ table: String) async throws -> TableDescription {
        struct Input: Encodable {
            let TableName: String
        }
        struct Output: Decodable {
            let Table: TableDescription
        }
        let output: Output = try await client.callJSON(
            target: "DynamoDB_20120810.DescribeTable", input: Input(TableName: table), endpoint: dynamoDB.endpoint,
            logger: Emulator.logger)
        return output.Table
    }

    /// Creates the app catalog's two tables with unique names, keyed as deploy/cloudformation/thumbworker.yaml keys
    /// them: groups by `id`; images by `groupId` + `timestamp`, with the index `imageId-index` on `imageId` (ALL).
    package func makeCatalogTables() async throws -> (groups: String, images: String) {
        struct Attribute: Encodable {
            let AttributeName: String
            let AttributeType = "S"
        }
        struct Key: Encodable {
            let AttributeName: String
            let KeyType: String
        }
        struct IndexProjection: Encodable {
            let ProjectionType = "ALL"
        }
        struct Index: Encodable {
            let IndexName: String
            let KeySchema: [Key]
            let Projection = IndexProjection()
        }
        struct Definition: Encodable {
            let TableName: String
            let AttributeDefinitions: [Attribute]
            let KeySchema: [Key]
            var GlobalSecondaryIndexes: [Index]?
            let BillingMode = "PAY_PER_REQUEST"
        }
        let groups = Emulator.uniqueName("groups")
        let images = Emulator.uniqueName("images")
        let definitions = [
            Definition(
                TableName: groups, AttributeDefinitions: [Attribute(AttributeName: "id")],
                KeySchema: [Key(AttributeName: "id", KeyType: "HASH")]),
            Definition(
                TableName: images,
                AttributeDefinitions: ["groupId", "timestamp", "imageId"].map { Attribute(AttributeName: $0) },
                KeySchema: [
                    Key(AttributeName: "groupId", KeyType: "HASH"), Key(AttributeName: "timestamp", KeyType: "RANGE"),
                ],
                GlobalSecondaryIndexes: [
                    Index(IndexName: "imageId-index", KeySchema: [Key(AttributeName: "imageId", KeyType: "HASH")])
                ]),
        ]
        for definition in definitions {
            let _: EmptyAnswer = try await client.callJSON(
                target: "DynamoDB_20120810.CreateTable", input: definition, endpoint: dynamoDB.endpoint,
                logger: Emulator.logger)
        }
        return (groups, images)
    }
}
