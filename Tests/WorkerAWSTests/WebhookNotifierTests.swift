import AWSClients
import AsyncHTTPClient
import Foundation
import Logging
import TestSupport
import Testing
import WebhookSigning
import WorkerAWS
import WorkerCore

/// The webhook against a loopback receiver: body, headers, signature, retries and the errors a caller sees.
@Suite struct WebhookNotifierTests {
    static let secret = "whsec-do-not-print-4f9a"
    static let sentAt = Date(timeIntervalSince1970: 1_767_225_600)

    /// What one delivery did.
    struct Delivery {
        /// The error `notify` threw, or nil when it returned.
        var error: WorkerError?
        /// The requests the receiver got.
        var requests: [RecordedRequest] = []
        /// The waits the retry policy asked for.
        var sleeps: [Duration]
        /// What the notifier logged.
        var logs: [LogRecord]
    }

    @Test func postsTheEventJSONWithItsHeaders() async throws {
        let delivery = try await deliver(.sampleReady, answering: [200])
        #expect(delivery.error == nil)
        let request = try #require(delivery.requests.first)
        #expect(delivery.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/thumbnails")
        #expect(Array(request.body.utf8) == ThumbnailEvent.sampleReady.jsonBytes())
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("User-Agent") == "thumbworker")
        #expect(request.header("X-Thumbworker-Event") == "thumbnails.ready")
        #expect(request.header("X-Thumbworker-Timestamp") == "1767225600")
    }

    @Test func namesAFailedEventInItsHeader() async throws {
        let delivery = try await deliver(.sampleFailed, answering: [204])
        #expect(delivery.error == nil)
        #expect(delivery.requests.first?.header("X-Thumbworker-Event") == "thumbnails.failed")
    }

    @Test func sendsNoSignatureWithoutASecret() async throws {
        let delivery = try await deliver(.sampleReady, answering: [200], secret: nil)
        #expect(delivery.requests.first?.header("X-Thumbworker-Signature") == nil)
    }

    @Test func signatureVerifiesWithTheSecretOnly() async throws {
        let delivery = try await deliver(.sampleReady, answering: [200])
        let request = try #require(delivery.requests.first)
        let signature = try #require(request.header("X-Thumbworker-Signature"))
        let timestamp = request.header("X-Thumbworker-Timestamp")
        let body = Array(request.body.utf8)
        #expect(signature.hasPrefix("sha256="))
        #expect(signature.dropFirst(7).allSatisfy { "0123456789abcdef".contains($0) })

        let receiver = WebhookSignature(secret: Self.secret)
        #expect(receiver.verify(signature: signature, timestamp: timestamp, body: body, now: Self.sentAt) == .valid)
        #expect(
            receiver.verify(signature: signature, timestamp: timestamp, body: body, now: Self.sentAt + 299) == .valid)
        #expect(
            WebhookSignature(secret: "another-secret").verify(
                signature: signature, timestamp: timestamp, body: body, now: Self.sentAt)
                == .mismatch)
        #expect(
            receiver.verify(signature: signature, timestamp: timestamp, body: body + [0x20], now: Self.sentAt)
                == .mismatch)
        #expect(
            receiver.verify(signature: signature, timestamp: "1767225601", body: body, now: Self.sentAt) == .mismatch)
    }

    @Test func signatureOlderOrNewerThanFiveMinutesIsStale() async throws {
        let delivery = try await deliver(.sampleReady, answering: [200])
        let request = try #require(delivery.requests.first)
        let signature = request.header("X-Thumbworker-Signature")
        let timestamp = request.header("X-Thumbworker-Timestamp")
        let body = Array(request.body.utf8)
        let receiver = WebhookSignature(secret: Self.secret)
        #expect(
            receiver.verify(signature: signature, timestamp: timestamp, body: body, now: Self.sentAt + 301) == .stale)
        #expect(
            receiver.verify(signature: signature, timestamp: timestamp, body: body, now: Self.sentAt - 301) == .stale)
    }

    @Test(arguments: [
        nil, "", "sha256=", "sha256=xyz", "md5=" + String(repeating: "0", count: 64),
        "sha256=" + String(repeating: "A", count: 63),
    ])
    func malformedSignatureIsRejected(signature: String?) {
        let verification = WebhookSignature(secret: Self.secret).verify(
            signature: signature, timestamp: "1767225600", body: [], now: Self.sentAt)
        #expect(verification == .malformed)
    }

    @Test func missingOrNonNumericTimestampIsMalformed() {
        let signer = WebhookSignature(secret: Self.secret)
        let signature = signer.headerValue(timestamp: 1_767_225_600, body: [1, 2, 3])
        #expect(signer.verify(signature: signature, timestamp: nil, body: [1, 2, 3], now: Self.sentAt) == .malformed)
        #expect(
            signer.verify(signature: signature, timestamp: "soon", body: [1, 2, 3], now: Self.sentAt) == .malformed)
        #expect(
            signer.verify(signature: signature, timestamp: "1767225600", body: [1, 2, 3], now: Self.sentAt) == .valid)
    }

    @Test func everyAttemptIsSignedWithItsOwnTime() async throws {
        let clock = Locked(Self.sentAt)
        let now: @Sendable () -> Date = {
            clock.withLock { time in
                defer { time += 7 }
                return time
            }
        }
        let delivery = try await deliver(.sampleReady, answering: [500, 200], now: now)
        #expect(delivery.error == nil)
        let timestamps = delivery.requests.map { $0.header("X-Thumbworker-Timestamp") }
        #expect(timestamps == ["1767225600", "1767225607"])
        let receiver = WebhookSignature(secret: Self.secret)
        for request in delivery.requests {
            let verification = receiver.verify(
                signature: request.header("X-Thumbworker-Signature"),
                timestamp: request.header("X-Thumbworker-Timestamp"),
                body: Array(request.body.utf8), now: Self.sentAt + 7)
            #expect(verification == .valid)
        }
    }

    @Test func deliversAfterA500() async throws {
        let delivery = try await deliver(.sampleReady, answering: [500, 200])
        #expect(delivery.error == nil)
        #expect(delivery.requests.count == 2)
        #expect(delivery.sleeps == [.milliseconds(250)])
        let retry = try #require(delivery.logs.first { $0.message == "webhook delivery failed, retrying" })
        #expect(retry.level == .notice)
        #expect(retry["http.status"] == "500")
        #expect(retry["thumb.notify.attempt"] == "1")
        #expect(retry["thumb.s3.key"] == "in/cat.jpg")
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func retriesTransientStatus(status: Int) async throws {
        let delivery = try await deliver(.sampleReady, answering: [status, 200])
        #expect(delivery.error == nil)
        #expect(delivery.requests.count == 2)
    }

    @Test func failsRetryablyAfterThreeAttempts() async throws {
        let delivery = try await deliver(.sampleReady, answering: [503, 503, 503, 200], body: "maintenance")
        let error = try #require(delivery.error)
        #expect(delivery.requests.count == 3)
        #expect(delivery.sleeps == [.milliseconds(250), .milliseconds(500)])
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(error.message.contains("127.0.0.1:"))
        #expect(error.message.contains("HTTP 503"))
        #expect(error.message.contains("'maintenance'"))
        #expect(error.message.contains("3 attempts"))
    }

    @Test(arguments: [400, 401, 403, 404, 410, 422])
    func rejectsPermanentlyWithoutRetrying(status: Int) async throws {
        let delivery = try await deliver(.sampleReady, answering: [status, 200])
        let error = try #require(delivery.error)
        #expect(delivery.requests.count == 1)
        #expect(delivery.sleeps.isEmpty)
        #expect(error.code == .notificationRejected)
        #expect(!error.isRetryable)
        #expect(error.message.contains("127.0.0.1:"))
        #expect(error.message.contains("HTTP \(status)"))
    }

    @Test func leavesThePathAndQueryOutOfMessages() async throws {
        let delivery = try await deliver(.sampleReady, answering: [400], path: "/hooks/thumbnails?token=hidden-token")
        let error = try #require(delivery.error)
        #expect(!error.description.contains("hidden-token"))
        #expect(!error.description.contains("/hooks"))
    }

    @Test func refusedConnectionIsRetryable() async throws {
        let delivery = try await RefusingPort.with { port in
            try await deliver(.sampleReady, to: "http://127.0.0.1:\(port)/hooks")
        }
        let error = try #require(delivery.error)
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(error.message.contains("could not be reached"))
        #expect(delivery.sleeps.count == 2)
        #expect(!delivery.logs.contains { "\($0.message) \($0.metadata)".contains(Self.secret) })
    }

    @Test func receiverThatDoesNotAnswerInTimeIsRetryable() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let delivery = try await LoopbackServer.run({ _ in
            for await _ in gate {}
            return CannedResponse()
        }) { server in
            defer { open.finish() }
            return try await deliver(
                .sampleReady, to: server.url + "/hooks", maxAttempts: 1, timeout: .milliseconds(200))
        }
        let error = try #require(delivery.error)
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(error.message.contains("did not answer within"))
    }

    @Test(arguments: [401, 503])
    func neverPrintsTheSecret(status: Int) async throws {
        let delivery = try await deliver(.sampleReady, answering: [status])
        let error = try #require(delivery.error)
        #expect(!error.description.contains(Self.secret))
        #expect(!String(reflecting: error).contains(Self.secret))
        #expect(!delivery.logs.contains { "\($0.message) \($0.metadata)".contains(Self.secret) })
        let configuration = WebhookNotifier.Configuration(
            url: URL(string: "https://hooks.example.com/x")!, secret: Self.secret)
        #expect("\(configuration)" == "webhook to hooks.example.com (signed)")
    }

    // MARK: - Helpers

    /// Runs a receiver answering `statuses` in turn (the last one repeats), delivers `event` to it, and adds the
    /// requests it received.
    private func deliver(
        _ event: ThumbnailEvent,
        answering statuses: [Int],
        body: String = "",
        path: String = "/hooks/thumbnails",
        secret: String? = WebhookNotifierTests.secret,
        now: @escaping @Sendable () -> Date = { WebhookNotifierTests.sentAt }
    ) async throws -> Delivery {
        let answered = Locked(0)
        return try await LoopbackServer.run({ _ in
            let index = answered.withLock { count in
                defer { count += 1 }
                return count
            }
            return CannedResponse(status: statuses[min(index, statuses.count - 1)], body: body)
        }) { server in
            var delivery = try await deliver(event, to: server.url + path, secret: secret, now: now)
            delivery.requests = server.requests
            return delivery
        }
    }

    /// Delivers `event` to `url` with a notifier whose retry policy records its waits instead of sleeping.
    private func deliver(
        _ event: ThumbnailEvent,
        to url: String,
        secret: String? = WebhookNotifierTests.secret,
        maxAttempts: Int = 3,
        timeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { WebhookNotifierTests.sentAt }
    ) async throws -> Delivery {
        let sleeps = Locked<[Duration]>([])
        let (logger, records) = MetadataLogHandler.logger()
        let policy = RetryPolicy(
            maxAttempts: maxAttempts, random: { 0.5 }, sleep: { delay in sleeps.withLock { $0.append(delay) } })
        let configuration = WebhookNotifier.Configuration(
            url: try #require(URL(string: url)), secret: secret, timeout: timeout, retryPolicy: policy)
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.retryConnectionEstablishment = false  // a refused connection fails at once
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        let notifier = WebhookNotifier(configuration: configuration, client: client, logger: logger, now: now)
        var error: WorkerError?
        do {
            try await notifier.notify(event)
        } catch let failure {
            error = failure
        }
        try await client.shutdown()
        return Delivery(error: error, sleeps: sleeps.value, logs: records.value)
    }
}
