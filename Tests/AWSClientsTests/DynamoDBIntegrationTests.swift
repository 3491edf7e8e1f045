import AWSClients
import Foundation
import TestSupport
import Testing

/// DynamoDB against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct DynamoDBIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    @Test("Scan pages through every item via LastEvaluatedKey, typed values intact; DeleteItem removes one")
    func scanAndDelete() async throws {
        try await Emulator.withClients { aws in
            let items: [DynamoDB.Item] = (0..<5).map { index in
                [
                    "id": .string("conn-\(index)"), "user": .string("user é \(index)"),
                    "joined": .number("17000000\(index).5"),
                    "active": .bool(index % 2 == 0), "avatar": .binary([UInt8(index), 255]), "gone": .null,
                    "tags": .list([.string("a"), .number("\(index)")]), "meta": .map(["stage": .string("prod")]),
                ]
            }
            let table = try await aws.makeTable(key: "id", items: items)
            let firstPage = try await aws.dynamoDB.scan(
                DynamoDB.ScanRequest(tableName: table, limit: 2), logger: Self.logger)
            #expect(firstPage.items.count == 2)
            #expect(firstPage.lastEvaluatedKey != nil)

            let all = try await aws.dynamoDB.scanAll(
                DynamoDB.ScanRequest(tableName: table, limit: 2), logger: Self.logger)
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
                try await aws.dynamoDB.scan(
                    DynamoDB.ScanRequest(tableName: Emulator.uniqueName("none")), logger: Self.logger)
            }
            #expect(error?.serviceCode == "ResourceNotFoundException")
            #expect(error?.statusCode == 400)
            #expect(error?.isRetryable == false)
        }
    }
}
