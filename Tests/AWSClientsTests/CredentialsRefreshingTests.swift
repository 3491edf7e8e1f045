import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// `RefreshingCredentialProvider` over a loopback container endpoint, with a hand-set clock: no sleeps, no timing.
struct CredentialsRefreshingTests {
    /// The endpoint's credentials expire at this instant.
    private static let expiry = Date(timeIntervalSince1970: 1_795_176_000)

    /// A document for the n-th hit, key id `ASIAHIT<n>`, expiring at `expiry` plus n hours.
    private static func document(_ hit: Int) -> String {
        let expiration = expiry.addingTimeInterval(TimeInterval(hit - 1) * 3600)
        return credentialDocument(accessKeyID: "ASIAHIT\(hit)", expiration: expiration.formatted(.iso8601))
    }

    /// A cache over a container provider aimed at `server`.
    private static func cache(_ server: LoopbackServer, _ transport: any AWSTransport, clock: ManualClock)
        -> RefreshingCredentialProvider
    {
        RefreshingCredentialProvider(
            FakeContainerEndpoint.provider(on: server, transport: transport), refreshMargin: .seconds(300),
            now: clock.now,
            logger: .quiet)
    }

    @Test("credentials are reused until five minutes before expiry, then refreshed once")
    func refreshBeforeExpiry() async throws {
        try await withTransport { transport in
            try await LoopbackServer.run(FakeContainerEndpoint.handler(document: Self.document)) {
                server async throws in
                let clock = ManualClock(Self.expiry.addingTimeInterval(-3600))
                let cache = Self.cache(server, transport, clock: clock)
                #expect(try await accessKeyID(from: cache) == "ASIAHIT1")
                clock.advance(by: 3600 - 301)
                #expect(try await accessKeyID(from: cache) == "ASIAHIT1")
                #expect(server.requests.count == 1, "more than the margin left: no refresh")
                clock.advance(by: 2)
                #expect(try await accessKeyID(from: cache) == "ASIAHIT2")
                #expect(try await accessKeyID(from: cache) == "ASIAHIT2")
                #expect(server.requests.count == 2, "inside the margin: exactly one refresh")
            }
        }
    }

    @Test("20 concurrent callers share one in-flight refresh", .timeLimit(.minutes(1)))
    func concurrentCallersShareOneRefresh() async throws {
        // Each caller reads the clock once on entry, then waits on the shared refresh. The endpoint answers only after
        // the 20th read, so all 20 are waiting while the one request is in flight.
        let everyoneWaiting = OneShotLatch()
        let clock = ManualClock(Self.expiry.addingTimeInterval(-3600), opening: (20, everyoneWaiting))
        try await withTransport { transport in
            let handler = FakeContainerEndpoint.handler(
                waitBeforeAnswering: { await everyoneWaiting.wait() }, document: Self.document)
            try await LoopbackServer.run(handler) { server in
                let cache = Self.cache(server, transport, clock: clock)
                let keys = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await cache.credentials().accessKeyID }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(keys == Array(repeating: "ASIAHIT1", count: 20))
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("a failed refresh falls back to the cached credentials until they expire, then the error surfaces")
    func failedRefresh() async throws {
        let hits = Locked(0)
        let handler: @Sendable (RecordedRequest) async -> CannedResponse = { _ in
            let hit = hits.withLock { hits in
                hits += 1
                return hits
            }
            return hit == 1 ? CannedResponse(body: Self.document(1)) : CannedResponse(status: 500)
        }
        try await withTransport { transport in
            try await LoopbackServer.run(handler) { server async throws in
                let clock = ManualClock(Self.expiry.addingTimeInterval(-3600))
                let (logger, records) = MetadataLogHandler.logger()
                let source = FakeContainerEndpoint.provider(on: server, transport: transport)
                let cache = RefreshingCredentialProvider(source, now: clock.now, logger: logger)
                #expect(try await accessKeyID(from: cache) == "ASIAHIT1")
                clock.advance(by: 3600 - 60)
                #expect(try await accessKeyID(from: cache) == "ASIAHIT1", "still valid: used despite the failure")
                #expect(records.value.map(\.line).contains { $0.hasPrefix("warning AWS credentials refresh failed") })
                clock.advance(by: 61)
                let error = await #expect(throws: AWSError.self) { try await cache.credentials() }
                #expect(error?.statusCode == 500)
                #expect(error?.isRetryable == true)
                #expect(server.requests.count == 3)
                TestSecrets.expectAbsent(from: records.value.map(\.line))
            }
        }
    }
}
