import AWSClients
package import Foundation
import NIOHTTP1
import SigV4

/// A fault-injecting HTTP proxy on 127.0.0.1: a `LoopbackServer` that forwards every request to an upstream server
/// as it came, except the ones the test's `fault` handler answers itself.
///
/// The Host header is forwarded unchanged, so a SigV4 signature made for the proxy's address still verifies upstream
/// (ministack checks the signature against the Host it receives). Hop-by-hop fields are dropped both ways; the
/// upstream's answer, headers included, goes back as it is.
package enum FaultInjectingProxy {
    /// Header fields that describe one connection, not the message (RFC 9110 §7.6.1); the transports set their own.
    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "content-length",
    ]

    /// Runs `body` while a proxy to `upstream` listens; `fault` answers a request itself by returning a response, or
    /// lets it through with nil (it may wait first, to hold a request back).
    package static func run<Result: Sendable>(
        upstream: URL,
        fault: @escaping @Sendable (RecordedRequest) async -> CannedResponse?,
        _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        try await serve(
            upstream: upstream,
            { request, forward in
                if let answer = await fault(request) { return answer }
                return await forward()
            }, body)
    }

    /// Runs `body` while a proxy to `upstream` listens, faulting the requests `plan`'s rules choose.
    package static func run<Result: Sendable>(
        upstream: URL, plan: FaultPlan, _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        try await serve(
            upstream: upstream,
            { request, forward in
                switch plan.action(for: request) {
                case nil:
                    return await forward()
                case .answer(let answer):
                    return answer
                case .delay(let delay):
                    try? await Task.sleep(for: delay)
                    return await forward()
                case .forwardThenCut(let cut):
                    return .cut(cut, of: await forward())
                }
            }, body)
    }

    /// Runs `body` while a proxy listens whose `answer` gets each request and a way to forward it to `upstream`.
    private static func serve<Result: Sendable>(
        upstream: URL,
        _ answer: @escaping @Sendable (RecordedRequest, _ forward: () async -> CannedResponse) async -> CannedResponse,
        _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let transport = HTTPClientTransport()
        do {
            let result = try await LoopbackServer.run(
                { request in await answer(request) { await forward(request, to: upstream, transport: transport) } },
                body)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// The 503 `SlowDown` answer S3 gives when a prefix gets more requests than it can take
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
    package static let slowDown = CannedResponse(
        status: 503,
        body: """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>FAULT</RequestId></Error>
            """,
        headers: ["Content-Type": "application/xml"]
    )

    /// S3's 429 `SlowDown`, asking for a second's pause with `Retry-After`.
    package static let throttled = CannedResponse(
        status: 429,
        body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        headers: ["Content-Type": "application/xml", "Retry-After": "1"]
    )

    /// SQS's JSON-protocol answer to an internal failure.
    package static let sqsInternalError = CannedResponse(
        status: 500,
        body: #"{"__type":"com.amazonaws.sqs#InternalError","message":"We encountered an internal error."}"#,
        headers: ["Content-Type": "application/x-amz-json-1.0", "x-amzn-query-error": "InternalError;Receiver"]
    )

    /// A bare 503, as a HEAD gets it (no body).
    package static let unavailable = CannedResponse(status: 503)

    /// Sends the request on to `upstream` and returns its answer; a failure to reach it answers 502.
    private static func forward(_ request: RecordedRequest, to upstream: URL, transport: HTTPClientTransport) async
        -> CannedResponse
    {
        guard let url = URL(string: upstream.absoluteString + request.uri) else {
            return CannedResponse(status: 400, body: "proxy: cannot forward \(request.uri)")
        }
        let headers = request.headers.filter { !hopByHop.contains($0.name.lowercased()) }.map {
            HTTPHeader(name: $0.name, value: $0.value)
        }
        do {
            let response = try await transport.send(
                AWSHTTPRequest(
                    method: request.method, url: url, headers: headers, body: request.bytes, maxResponseBytes: 64 << 20),
                logger: Emulator.logger)
            var answerHeaders = HTTPHeaders(
                response.headers.filter { !hopByHop.contains($0.name.lowercased()) }.map { ($0.name, $0.value) })
            if request.method == "HEAD", let length = response.header("Content-Length") {
                answerHeaders.add(name: "Content-Length", value: length)
            }
            return CannedResponse(status: response.status, headers: answerHeaders, bytes: response.body)
        } catch {
            return CannedResponse(status: 502, body: "proxy: the upstream did not answer: \(error)")
        }
    }
}
