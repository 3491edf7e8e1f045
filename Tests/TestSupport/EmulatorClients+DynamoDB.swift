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
