import NIOCore
package import NIOHTTP1
import NIOPosix

/// One request as the loopback server received it.
package struct RecordedRequest: Sendable {
    /// `GET`, `PUT`, `POST`.
    package let method: String
    /// The request target as sent: the path and the query, percent-encoded.
    package let uri: String
    /// The header fields.
    package let headers: HTTPHeaders
    /// The body's bytes.
    package let bytes: [UInt8]

    /// The path, without the query.
    package var path: String { uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri }

    /// The body as UTF-8 text.
    package var body: String { String(decoding: bytes, as: UTF8.self) }

    /// The first value of the header `name`, compared without case.
    package func header(_ name: String) -> String? {
        headers.first(name: name)
    }
}

/// The answer a test endpoint gives.
package struct CannedResponse: Sendable {
    /// The HTTP status.
    package var status: Int
    /// Header fields sent as given; the server adds `Content-Length` (unless given: a HEAD answer's is the size a GET
    /// would send) and `Connection: close`.
    package var headers: HTTPHeaders
    /// The body's bytes.
    package var bytes: [UInt8]
    /// Where the connection is cut instead of finishing the answer; nil answers in full.
    package var cut: ConnectionCut?

    /// An answer with a status, a text body and header fields.
    package init(status: Int = 200, body: String = "", headers: HTTPHeaders = [:]) {
        self.init(status: status, headers: headers, bytes: Array(body.utf8))
    }

    /// An answer with a status, header fields and a body of any bytes.
    package init(status: Int, headers: HTTPHeaders, bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.bytes = bytes
    }
}

/// Where an answer's connection is closed short, as a network or a crashing server would.
package enum ConnectionCut: Sendable, Hashable {
    /// Closed before anything of the answer is sent.
    case beforeResponse
    /// Closed after the head and half of the body (the head announces the whole body's length).
    case duringBody
}

extension CannedResponse {
    /// A connection closed at `cut` instead of an answer of this status and body.
    package static func cut(_ cut: ConnectionCut, of answer: CannedResponse = CannedResponse()) -> CannedResponse {
        var cutShort = answer
        cutShort.cut = cut
        return cutShort
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that answers each request with a test's handler.
///
/// Every answer closes its connection, so the server stops as soon as the test body returns. It records each request.
package final class LoopbackServer: Sendable {
    /// The port the server listens on.
    package let port: Int
    private let recorded = Locked<[RecordedRequest]>([])

    private init(port: Int) {
        self.port = port
    }

    /// `http://127.0.0.1:PORT`.
    package var url: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in order.
    package var requests: [RecordedRequest] { recorded.value }

    /// Runs `body` while a server answering with `handler` listens; the server is closed when `body` returns or throws.
    package static func run<Result: Sendable>(
        _ handler: @escaping @Sendable (RecordedRequest) async -> CannedResponse,
        _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        let server = LoopbackServer(port: port)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            connections.addTask { await server.answer(connection, handler) }
                        }
                    }
                }
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(server))
            } catch {
                result = .failure(error)
            }
            listener.channel.close(promise: nil)
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Reads one request from `connection`, records it, writes the handler's answer and closes.
    private func answer(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        _ handler: @Sendable (RecordedRequest) async -> CannedResponse
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let head else { return }
                    let request = RecordedRequest(
                        method: head.method.rawValue, uri: head.uri, headers: head.headers, bytes: Array(buffer: body))
                    recorded.withLock { $0.append(request) }
                    let response = await handler(request)
                    if response.cut == .beforeResponse { return }
                    var headers = response.headers
                    if !headers.contains(name: "Content-Length") {
                        headers.add(name: "Content-Length", value: "\(response.bytes.count)")
                    }
                    headers.replaceOrAdd(name: "Connection", value: "close")
                    let responseHead = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
                    try await outbound.write(.head(responseHead))
                    if response.cut == .duringBody {
                        // Half the body, and at least a byte short of what Content-Length announced.
                        let half = response.bytes.prefix(max(0, response.bytes.count / 2))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: half))))
                        return
                    }
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.bytes))))
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }
}
