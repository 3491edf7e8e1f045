import AWSClients
import Foundation
import TestSupport
import Testing

/// The send loop over a scripted transport: signing, re-signing on retry, which failures are retried.
struct AWSClientTests {
    /// An SQS endpoint on loopback.
    static let endpoint = UnitTestClients.endpoint(.sqs)
    /// A 2xx answer.
    static let ok = AWSHTTPResponse(status: 200, text: "{}")
    /// A retryable 503 answer.
    static let unavailable = AWSHTTPResponse(
        status: 503,
        text: "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>"
    )

    /// Sends a small POST through `clients`.
    static func send(_ clients: UnitTestClients) async throws(AWSError) -> AWSHTTPResponse {
        let request = AWSHTTPRequest(method: "POST", url: endpoint.url(path: "/"), body: Array("{}".utf8))
        return try await clients.client.send(
            request, to: endpoint, operation: "Test.Op", logger: .quiet)
    }

    @Test("every request is signed for the endpoint's service and region")
    func signsRequests() async throws {
        let clients = UnitTestClients([.success(Self.ok)])
        _ = try await Self.send(clients)
        let request = try #require(clients.transport.requests.first)
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request"))
        #expect(request.header("X-Amz-Date") == "20150830T123600Z")
        #expect(request.header("x-amz-content-sha256") == nil, "only S3 sends the payload hash header")
    }

    @Test("S3 requests carry x-amz-content-sha256 with the body's hash")
    func s3SendsPayloadHash() async throws {
        let clients = UnitTestClients([.success(Self.ok)])
        let endpoint = UnitTestClients.endpoint(.s3)
        let request = AWSHTTPRequest(method: "PUT", url: endpoint.url(path: "/bucket/key"), body: Array("abc".utf8))
        _ = try await clients.client.send(
            request, to: endpoint, operation: "S3.PutObject", logger: .quiet)
        let sent = try #require(clients.transport.requests.first)
        #expect(
            sent.header("x-amz-content-sha256") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a 5xx is retried, each attempt signed anew, until one succeeds")
    func retriesServerErrorsAndResigns() async throws {
        let clients = UnitTestClients([.success(Self.unavailable), .success(Self.unavailable), .success(Self.ok)])
        let response = try await Self.send(clients)
        #expect(response.status == 200)
        let requests = clients.transport.requests
        #expect(requests.count == 3)
        #expect(
            requests.map { $0.header("X-Amz-Date") } == ["20150830T123600Z", "20150830T123601Z", "20150830T123602Z"])
        #expect(Set(requests.compactMap { $0.header("Authorization") }).count == 3)
        #expect(clients.sleeps.value == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("Retry-After on a 429 or 503 is waited out, within the policy's ceiling; it never shortens the backoff")
    func honoursRetryAfter() async throws {
        let slowDown = { (seconds: String) in
            AWSHTTPResponse(
                status: 503, headers: [("Retry-After", seconds)], text: "<Error><Code>SlowDown</Code></Error>")
        }
        let throttled = AWSHTTPResponse(status: 429, headers: [("Retry-After", "0")], text: "{}")
        let clients = UnitTestClients(
            [.success(slowDown("1")), .success(slowDown("60")), .success(throttled), .success(Self.ok)], maxAttempts: 4,
            random: 0.5)
        _ = try await Self.send(clients)
        // Backoff alone would be 50, 100 and 200 ms; the policy's ceiling is 1 s.
        #expect(clients.sleeps.value == [.seconds(1), .seconds(1), .milliseconds(200)])
    }

    @Test("a throttling code is retried even with a 400 status, whichever of SQS's two codes names it")
    func retriesThrottling() async throws {
        let throttled = AWSHTTPResponse(
            status: 400,
            headers: [("x-amzn-query-error", "AWS.SimpleQueueService.Throttled;Sender")],
            text: #"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}"#
        )
        let clients = UnitTestClients([.success(throttled), .success(Self.ok)])
        _ = try await Self.send(clients)
        #expect(clients.transport.requests.count == 2)
    }

    @Test("a dropped connection or a timeout is retried")
    func retriesTransportFailures() async throws {
        let clients = UnitTestClients([
            .failure(AWSError(.connection, "connection reset by peer", retryable: true)),
            .failure(AWSError(.timeout, "read timed out", retryable: true)),
            .success(Self.ok),
        ])
        _ = try await Self.send(clients)
        #expect(clients.transport.requests.count == 3)
    }

    @Test("a 4xx such as AccessDenied is not retried")
    func doesNotRetryClientErrors() async throws {
        let denied = AWSHTTPResponse(
            status: 403,
            text: "<Error><Code>AccessDenied</Code><Message>no</Message><RequestId>r1</RequestId></Error>"
        )
        let clients = UnitTestClients([.success(denied), .success(Self.ok)])
        let error = await #expect(throws: AWSError.self) { try await Self.send(clients) }
        #expect(error?.serviceCode == "AccessDenied")
        #expect(error?.requestID == "r1")
        #expect(error?.isRetryable == false)
        #expect(clients.transport.requests.count == 1)
        #expect(clients.sleeps.value.isEmpty)
    }

    /// A 403 refusing the signature's time, from a server whose clock reads `date` (the scripted clock's first
    /// reading is 12:36:00 on that day).
    static func refused(_ code: String, serverDate date: String) -> AWSHTTPResponse {
        AWSHTTPResponse(
            status: 403, headers: [("Date", "Sun, 30 Aug 2015 \(date) GMT")],
            text: "<Error><Code>\(code)</Code><Message>no</Message></Error>")
    }

    @Test("a signature refused for a clock an hour behind is signed again with the server's time, once, at once")
    func correctsASkewedClock() async throws {
        let clients = UnitTestClients([
            .success(Self.refused("RequestTimeTooSkewed", serverDate: "13:36:00")), .success(Self.ok),
        ])
        let response = try await Self.send(clients)
        #expect(response.status == 200)
        let requests = clients.transport.requests
        #expect(requests.map { $0.header("X-Amz-Date") } == ["20150830T123600Z", "20150830T133601Z"])
        #expect(clients.sleeps.value.isEmpty, "the corrected attempt is sent at once, not after a backoff")
        #expect(clients.client.clockCorrection.seconds == 3600)
        // Later calls are signed with the correction from the start.
        _ = try await Self.send(clients)
        #expect(clients.transport.requests.last?.header("X-Amz-Date") == "20150830T133602Z")
    }

    @Test("a refusal from a server whose clock agrees, or a second one after correcting, is not retried for the clock")
    func correctsTheClockOnlyWhenItIsOff() async throws {
        let agreeing = UnitTestClients([
            .success(Self.refused("SignatureDoesNotMatch", serverDate: "12:37:00")), .success(Self.ok),
        ])
        let error = await #expect(throws: AWSError.self) { try await Self.send(agreeing) }
        #expect(error?.serviceCode == "SignatureDoesNotMatch")
        #expect(agreeing.transport.requests.count == 1)
        #expect(agreeing.client.clockCorrection.seconds == 0)

        let stubborn = UnitTestClients([.success(Self.refused("RequestTimeTooSkewed", serverDate: "10:36:00"))])
        let second = await #expect(throws: AWSError.self) { try await Self.send(stubborn) }
        #expect(second?.serviceCode == "RequestTimeTooSkewed")
        #expect(stubborn.transport.requests.count == 2, "one corrected attempt, then the refusal stands")
    }

    @Test("the last error is thrown once the attempts run out")
    func givesUpAfterMaxAttempts() async throws {
        let clients = UnitTestClients([.success(Self.unavailable)], maxAttempts: 2)
        let error = await #expect(throws: AWSError.self) { try await Self.send(clients) }
        #expect(error?.serviceCode == "ServiceUnavailable")
        #expect(error?.statusCode == 503)
        #expect(clients.transport.requests.count == 2)
    }

    @Test("a wait interrupted by cancellation ends the call as cancelled")
    func cancellationDuringWait() async throws {
        let transport = InMemoryTransport(answering: Self.unavailable)
        let client = AWSClient(
            transport: transport,
            credentialProvider: StaticCredentialProvider(accessKeyID: "AKID", secretAccessKey: "secret"),
            retryPolicy: RetryPolicy(sleep: { _ in throw CancellationError() })
        )
        let request = AWSHTTPRequest(method: "GET", url: Self.endpoint.url(path: "/"))
        let error = await #expect(throws: AWSError.self) {
            try await client.send(request, to: Self.endpoint, operation: "Test.Op", logger: .quiet)
        }
        #expect(error?.code == .cancelled)
        #expect(transport.requests.count == 1)
    }
}
