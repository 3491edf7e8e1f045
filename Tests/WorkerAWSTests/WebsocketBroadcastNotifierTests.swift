import AWSClients
import Foundation
import Logging
import SigV4
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// The websocket broadcast against ministack: stale connections (ministack answers 410 for any connection it does not
/// know) are pruned from a paginated table and the broadcast succeeds.
///
/// Delivery to a live connection is not tested here: it needs a real websocket client connected through ministack.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct WebsocketBroadcastNotifierTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    @Test(
        "stale connections across several Scan pages are all deleted and the broadcast succeeds",
        arguments: [nil, "id"])
    func prunesStaleConnections(customKey: String?) async throws {
        let key = customKey ?? "connectionId"
        let ids = (0..<7).map { "stale-\($0)-\(Emulator.uniqueName("c"))=" }
        let (logger, records) = MetadataLogHandler.logger()
        try await Emulator.withClients { aws in
            let table = try await aws.makeTable(
                key: key, items: ids.map { [key: .string($0), "imageId": .string("in/cat.jpg")] })
            var configuration = WebsocketBroadcastNotifier.Configuration(
                tableName: table, pageSize: 2, maxConcurrentPosts: 3)
            if let customKey { configuration.connectionIDAttribute = customKey }
            let notifier = WebsocketBroadcastNotifier(
                configuration: configuration,
                table: aws.dynamoDB,
                gateway: try aws.apiGateway(apiID: "thumbs01", stage: "prod"),
                logger: logger
            )
            #expect(notifier.name == "websocket")

            try await notifier.notify(.sampleReady)

            let remaining = try await aws.dynamoDB.scanAll(DynamoDB.ScanRequest(tableName: table), logger: Self.logger)
            #expect(remaining.isEmpty)
        }
        let summary = try #require(records.value.first { $0.message == "websocket broadcast" })
        #expect(summary.level == .info)
        #expect(summary["thumb.websocket.sent"] == "0")
        #expect(summary["thumb.websocket.pruned"] == "7")
        #expect(summary["thumb.websocket.failed"] == "0")
    }

    @Test("a table that does not exist is a permanent notificationRejected")
    func missingTableIsPermanent() async throws {
        try await Emulator.withClients { aws in
            let notifier = WebsocketBroadcastNotifier(
                configuration: .init(tableName: Emulator.uniqueName("none")),
                table: aws.dynamoDB,
                gateway: try aws.apiGateway(apiID: "thumbs01", stage: "prod"),
                logger: Self.logger
            )
            let error = try await #require(throws: WorkerError.self) { try await notifier.notify(.sampleFailed) }
            #expect(error.code == .notificationRejected)
            #expect(!error.isRetryable)
            #expect((error.cause as? AWSError)?.serviceCode == "ResourceNotFoundException")
            #expect(error.explanation.contains("ResourceNotFoundException"))
        }
    }
}

/// The broadcast's concurrency bound and its verdict on mixed outcomes, over an in-memory DynamoDB and API Gateway.
@Suite struct WebsocketBroadcastVerdictTests {
    /// How the fake API Gateway answers a post to one connection.
    enum Answer: Sendable {
        /// 200: delivered.
        case accept
        /// 410 GoneException: the browser left.
        case gone
        /// 503: API Gateway is in trouble; retryable.
        case unavailable
        /// 403: refused; permanent.
        case forbidden
    }

    /// One DynamoDB table of connections and the API Gateway stage they belong to, in memory.
    ///
    /// Scan honours `Limit` and `ExclusiveStartKey`; with a `rendezvous`, each post waits until that many posts are in
    /// flight (or every connection has been posted to), so a broadcast that keeps N in flight reaches exactly N.
    final class FakeBackend: AWSTransport {
        /// What the backend saw.
        struct State {
            /// The connection ids posted to, in arrival order.
            var posted: [String] = []
            /// The body of each post as text, in the same order as `posted`.
            var postedBodies: [String] = []
            /// The connection ids whose items were deleted.
            var deleted: [String] = []
            /// Posts that arrived and have not answered yet.
            var inFlight = 0
            /// The most posts ever in flight at once.
            var maxInFlight = 0
            /// Posts held at the rendezvous.
            var waiting: [CheckedContinuation<Void, Never>] = []
        }

        /// The scan request fields the fake reads.
        struct ScanInput: Decodable {
            /// Items per page.
            let Limit: Int?
            /// Where the page starts.
            let ExclusiveStartKey: DynamoDB.Item?
        }

        /// The scan answer.
        struct ScanOutput: Encodable {
            /// The page's items.
            let Items: [DynamoDB.Item]
            /// Where the next page starts; absent on the last page.
            let LastEvaluatedKey: DynamoDB.Item?
        }

        /// The delete request fields the fake reads.
        struct DeleteInput: Decodable {
            /// The deleted item's key.
            let Key: DynamoDB.Item
        }

        /// The table's key attribute, the notifier's default.
        static let key = "connectionId"
        /// The table's items, in scan order, and how each connection answers.
        let connections: [(id: String, answer: Answer)]
        /// How many posts to hold until they are all in flight; nil holds none.
        let rendezvous: Int?
        /// The status every Scan answers with; 200 serves the table.
        let scanStatus: Int
        /// What the backend saw.
        let state = Locked(State())

        /// Makes a backend listing `connections`.
        init(_ connections: [(id: String, answer: Answer)], rendezvous: Int? = nil, scanStatus: Int = 200) {
            self.connections = connections
            self.rendezvous = rendezvous
            self.scanStatus = scanStatus
        }

        /// Answers a Scan, a DeleteItem or a PostToConnection.
        func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse {
            switch request.headers.first(where: { $0.name.lowercased() == "x-amz-target" })?.value {
            case "DynamoDB_20120810.Scan": return scan(request.body)
            case "DynamoDB_20120810.DeleteItem":
                let input = try? JSONDecoder().decode(DeleteInput.self, from: Data(request.body))
                state.withLock { $0.deleted.append(input?.Key[Self.key]?.stringValue ?? "?") }
                return AWSHTTPResponse(status: 200, body: Array("{}".utf8))
            default: return await post(request.body, to: request.url.lastPathComponent)
            }
        }

        /// One page of the table, from `ExclusiveStartKey`, `Limit` items long.
        private func scan(_ body: [UInt8]) -> AWSHTTPResponse {
            guard scanStatus == 200, let input = try? JSONDecoder().decode(ScanInput.self, from: Data(body)) else {
                return AWSHTTPResponse(status: scanStatus, body: Array(#"{"__type":"InternalServerError"}"#.utf8))
            }
            let start =
                input.ExclusiveStartKey.flatMap { key in connections.firstIndex { $0.id == key[Self.key]?.stringValue }
                }
                .map { $0 + 1 } ?? 0
            let end = min(connections.count, start + (input.Limit ?? connections.count))
            let items: [DynamoDB.Item] = connections[start..<end].map { [Self.key: .string($0.id)] }
            let last: DynamoDB.Item? = end < connections.count ? [Self.key: .string(connections[end - 1].id)] : nil
            let json = try? JSONEncoder().encode(ScanOutput(Items: items, LastEvaluatedKey: last))
            return AWSHTTPResponse(status: 200, body: Array(json ?? Data()))
        }

        /// Records the post, waits at the rendezvous, then answers as the connection is set up to.
        private func post(_ body: [UInt8], to id: String) async -> AWSHTTPResponse {
            if let rendezvous {
                await withCheckedContinuation { continuation in
                    let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                        state.posted.append(id)
                        state.postedBodies.append(String(decoding: body, as: UTF8.self))
                        state.inFlight += 1
                        state.maxInFlight = max(state.maxInFlight, state.inFlight)
                        state.waiting.append(continuation)
                        guard state.inFlight == rendezvous || state.posted.count == connections.count else { return [] }
                        defer { state.waiting = [] }
                        return state.waiting
                    }
                    for continuation in released { continuation.resume() }
                }
                // Give a broadcast that does not wait for a free slot every chance to start more posts first.
                for _ in 0..<100 { await Task.yield() }
                state.withLock { $0.inFlight -= 1 }
            } else {
                state.withLock { state in
                    state.posted.append(id)
                    state.postedBodies.append(String(decoding: body, as: UTF8.self))
                }
            }
            switch connections.first(where: { $0.id == id })?.answer ?? .gone {
            case .accept: return AWSHTTPResponse(status: 200)
            case .gone: return AWSHTTPResponse(status: 410, body: Array(#"{"message":"GoneException"}"#.utf8))
            case .unavailable:
                return AWSHTTPResponse(status: 503, body: Array(#"{"message":"Service Unavailable"}"#.utf8))
            case .forbidden: return AWSHTTPResponse(status: 403, body: Array(#"{"message":"Forbidden"}"#.utf8))
            }
        }
    }

    /// A notifier over `backend`, one attempt per call, scanning `pageSize` items a page.
    static func notifier(_ backend: FakeBackend, pageSize: Int = 2, maxConcurrentPosts: Int = 8, logger: Logger)
        -> WebsocketBroadcastNotifier
    {
        let client = AWSClient(
            transport: backend,
            credentialProvider: StaticCredentialProvider(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            retryPolicy: RetryPolicy(maxAttempts: 1)
        )
        let url = URL(string: "http://127.0.0.1:4566")!
        return WebsocketBroadcastNotifier(
            configuration: .init(tableName: "connections", pageSize: pageSize, maxConcurrentPosts: maxConcurrentPosts),
            table: DynamoDBClient(
                client: client, endpoint: AWSEndpoint(service: .dynamoDB, region: "us-east-1", url: url, isCustom: true)
            ),
            gateway: APIGatewayManagementClient(
                client: client,
                endpoint: AWSEndpoint(
                    service: .apiGatewayManagement, region: "us-east-1", url: url.appending(path: "prod"),
                    isCustom: true)
            ),
            logger: logger
        )
    }

    /// The counts the broadcast logged: sent, pruned, failed.
    static func summary(_ records: Locked<[LogRecord]>) -> [String?] {
        let record = records.value.first { $0.message == "websocket broadcast" }
        return ["sent", "pruned", "failed"].map { record?["thumb.websocket.\($0)"] }
    }

    @Test(.timeLimit(.minutes(1)))
    func keepsExactlyTheBoundInFlightAcrossPages() async throws {
        let connections = (0..<20).map { (id: "c\($0)", answer: Answer.accept) }
        let backend = FakeBackend(connections, rendezvous: 4)
        let (logger, records) = MetadataLogHandler.logger()
        try await Self.notifier(backend, pageSize: 3, maxConcurrentPosts: 4, logger: logger).notify(.sampleReady)
        let state = backend.state.value
        #expect(state.maxInFlight == 4)
        #expect(Set(state.posted) == Set(connections.map(\.id)))
        #expect(state.posted.count == 20)
        #expect(Self.summary(records) == ["20", "0", "0"])
    }

    @Test func everyPostFailingRetryablyIsRetryable() async throws {
        let backend = FakeBackend((0..<5).map { (id: "c\($0)", answer: .unavailable) })
        let (logger, records) = MetadataLogHandler.logger()
        let error = try await #require(throws: WorkerError.self) {
            try await Self.notifier(backend, logger: logger).notify(.sampleReady)
        }
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(error.message.contains("5 posts failed"))
        #expect(backend.state.value.deleted.isEmpty)
        #expect(Self.summary(records) == ["0", "0", "5"])
    }

    @Test func mixedOutcomesSucceedAndPruneTheGoneOnes() async throws {
        let backend = FakeBackend([
            (id: "live", answer: .accept), (id: "left", answer: .gone), (id: "busy", answer: .unavailable),
            (id: "denied", answer: .forbidden), (id: "left-too", answer: .gone),
        ])
        let (logger, records) = MetadataLogHandler.logger()
        try await Self.notifier(backend, logger: logger).notify(.sampleFailed)
        #expect(Set(backend.state.value.deleted) == ["left", "left-too"])
        #expect(Self.summary(records) == ["1", "2", "2"])
        #expect(
            records.value.filter { $0.message == "websocket post failed" }.compactMap {
                $0["thumb.websocket.connection"]
            }.sorted() == ["busy", "denied"])
    }

    @Test func oneDeadBrowserAloneIsNotAFailure() async throws {
        let backend = FakeBackend([(id: "left", answer: .gone)])
        let (logger, records) = MetadataLogHandler.logger()
        try await Self.notifier(backend, logger: logger).notify(.sampleReady)
        #expect(backend.state.value.deleted == ["left"])
        #expect(Self.summary(records) == ["0", "1", "0"])
    }

    @Test func permanentFailuresAloneDoNotBringTheMessageBack() async throws {
        let backend = FakeBackend([(id: "denied", answer: .forbidden), (id: "busy", answer: .unavailable)])
        let (logger, records) = MetadataLogHandler.logger()
        try await Self.notifier(backend, logger: logger).notify(.sampleReady)
        let state = backend.state.value
        #expect(state.posted.sorted() == ["busy", "denied"], "one post to each listed connection, none again")
        let json = String(decoding: ThumbnailEvent.sampleReady.jsonBytes(), as: UTF8.self)
        #expect(state.postedBodies == [json, json], "each post carries the event's JSON")
        #expect(state.deleted.isEmpty, "a connection that refused or failed is not pruned: only a gone one is")
        #expect(Self.summary(records) == ["0", "0", "2"])
    }

    @Test func aFailedScanIsRetryableWhenItMayPass() async throws {
        let backend = FakeBackend([(id: "live", answer: .accept)], scanStatus: 500)
        let (logger, _) = MetadataLogHandler.logger()
        let error = try await #require(throws: WorkerError.self) {
            try await Self.notifier(backend, logger: logger).notify(.sampleReady)
        }
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(backend.state.value.posted.isEmpty)
    }

    @Test func emptyTableSucceeds() async throws {
        let (logger, records) = MetadataLogHandler.logger()
        try await Self.notifier(FakeBackend([]), logger: logger).notify(.sampleReady)
        #expect(Self.summary(records) == ["0", "0", "0"])
    }
}
