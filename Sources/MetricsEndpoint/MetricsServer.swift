import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP/1.1 endpoint for operators: `GET /metrics` (Prometheus text), `/health` and `/ready`.
///
/// Every answer closes its connection. Graceful shutdown closes the listener and drops connections still open (an idle
/// client must not hold the process up). See https://prometheus.io/docs/instrumenting/exposition_formats/
package struct MetricsServer: Service, CustomStringConvertible {
    /// The port the server listens on (the bound one when 0 was asked for).
    package let port: Int
    private let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let source: any MetricsSource
    private let logger: Logger

    private init(
        listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>, port: Int,
        source: any MetricsSource, logger: Logger
    ) {
        self.listener = listener
        self.port = port
        self.source = source
        self.logger = logger
    }

    /// Binds `host:port` (port 0 picks a free one) to serve `source`; requests are answered once `run()` is called.
    /// A port another process holds, or an address not on this machine, fails with a ``MetricsServerError``.
    package static func bind(
        host: String, port: Int, source: any MetricsSource, logger: Logger
    ) async throws -> MetricsServer {
        let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError {
            throw MetricsServerError(cannotListenOn: "\(host):\(port)", error)
        }
        guard let boundPort = listener.channel.localAddress?.port else {
            try? await listener.channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return MetricsServer(listener: listener, port: boundPort, source: source, logger: logger)
    }

    /// A short name for logs and errors.
    package var description: String { "MetricsServer" }

    /// Answers requests until graceful shutdown (or cancellation) closes the listener.
    package func run() async throws {
        logger.info("metrics endpoint listening", metadata: ["thumb.metrics.port": "\(port)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { connections in
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask { await answer(connection) }
                    }
                }
                connections.cancelAll()
            }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
        }
        logger.info("metrics endpoint closed")
    }

    /// Reads one request from `connection`, writes the answer and closes.
    private func answer(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let head else { return }
                        let (status, contentType, body) = await response(to: head)
                        let headers: HTTPHeaders = [
                            "Content-Type": contentType, "Content-Length": "\(body.readableBytes)",
                            "Connection": "close",
                        ]
                        try await outbound.write(
                            .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(body)))
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics connection failed", metadata: ["thumb.error": "\(error)"])
        }
    }

    /// The status, content type and body for one request.
    private func response(to head: HTTPRequestHead) async -> (HTTPResponseStatus, String, ByteBuffer) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let text = "text/plain; charset=utf-8"
        guard head.method == .GET else { return (.notFound, text, ByteBuffer(string: "not found\n")) }
        switch path {
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", ByteBuffer(bytes: await source.scrape()))
        case "/health":
            return (.ok, text, ByteBuffer(string: "ok\n"))
        case "/ready":
            guard let reason = await source.notReadyReason() else {
                return (.ok, text, ByteBuffer(string: "ready\n"))
            }
            return (.serviceUnavailable, text, ByteBuffer(string: "not ready: \(reason)\n"))
        default:
            return (.notFound, text, ByteBuffer(string: "not found\n"))
        }
    }
}

/// Why the metrics endpoint could not start.
package struct MetricsServerError: Error, CustomStringConvertible {
    /// What went wrong.
    package enum Code: Sendable {
        /// The address could not be listened on: the port is taken, or the host is not this machine's.
        case cannotListen
    }

    /// What went wrong.
    package let code: Code
    /// What happened and what to do, in one line.
    package let description: String
    /// The system's error.
    package let cause: any Error

    /// A failed bind of `address`, in the system's words (NIO's own text nests parentheses that do not pair).
    init(cannotListenOn address: String, _ cause: IOError) {
        code = .cannotListen
        self.cause = cause
        description =
            "cannot listen on \(address): \(String(cString: strerror(cause.errnoCode))) (errno \(cause.errnoCode)); "
            + "set metrics.port to a free port (or 0 for none) and metrics.host to an address of this machine"
    }
}
