import TestSupport
import AWSClients
import Foundation
import Testing

/// DynamoDB against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct DynamoDBIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// Creates a table keyed by the string `id` and fills it with `items`; returns its name.
    static func makeTable(_ aws: EmulatorClients, items: [DynamoDB.Item]) async throws -> String {
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
        let table = Emulator.uniqueName("connections")
        let definition = Definition(
            TableName: table,
            AttributeDefinitions: [.init(AttributeName: "id", AttributeType: "S")],
            KeySchema: [.init(AttributeName: "id", KeyType: "HASH")],
            BillingMode: "PAY_PER_REQUEST"
        )
        let endpoint = aws.dynamoDB.endpoint
        let _: EmptyAnswer = try await aws.client.callJSON(
            target: "DynamoDB_20120810.CreateTable",
            input: definition,
            endpoint: endpoint,
            logger: logger
        )
        for item in items {
            let _: EmptyAnswer = try await aws.client.callJSON(
                target: "DynamoDB_20120810.PutItem",
                input: Put(TableName: table, Item: item),
                endpoint: endpoint,
                logger: logger
            )
        }
        return table
    }

    @Test("Scan pages through every item via LastEvaluatedKey, typed values intact; DeleteItem removes one")
    func scanAndDelete() async throws {
        try await Emulator.withClients { aws in
            let items: [DynamoDB.Item] = (0..<5).map { index in
                [
                    "id": .string("conn-\(index)"), "user": .string("user é \(index)"), "joined": .number("17000000\(index).5"),
                    "active": .bool(index % 2 == 0), "avatar": .binary([UInt8(index), 255]), "gone": .null,
                    "tags": .list([.string("a"), .number("\(index)")]), "meta": .map(["stage": .string("prod")]),
                ]
            }
            let table = try await Self.makeTable(aws, items: items)
            let firstPage = try await aws.dynamoDB.scan(DynamoDB.ScanRequest(tableName: table, limit: 2), logger: Self.logger)
            #expect(firstPage.items.count == 2)
            #expect(firstPage.lastEvaluatedKey != nil)

            let all = try await aws.dynamoDB.scanAll(DynamoDB.ScanRequest(tableName: table, limit: 2), logger: Self.logger)
            #expect(Set(all) == Set(items))

            try await aws.dynamoDB.deleteItem(tableName: table, key: ["id": .string("conn-3")], logger: Self.logger)
            let remaining = try await aws.dynamoDB.scanAll(
                DynamoDB.ScanRequest(tableName: table, projectionExpression: "id"),
                logger: Self.logger
            )
            #expect(Set(remaining.compactMap { $0["id"]?.stringValue }) == ["conn-0", "conn-1", "conn-2", "conn-4"])
        }
    }

    @Test("scanning a missing table is a typed, final ResourceNotFoundException")
    func missingTable() async throws {
        try await Emulator.withClients { aws in
            let error = await #expect(throws: AWSError.self) {
                try await aws.dynamoDB.scan(DynamoDB.ScanRequest(tableName: Emulator.uniqueName("none")), logger: Self.logger)
            }
            #expect(error?.serviceCode == "ResourceNotFoundException")
            #expect(error?.statusCode == 400)
            #expect(error?.isRetryable == false)
        }
    }
}
