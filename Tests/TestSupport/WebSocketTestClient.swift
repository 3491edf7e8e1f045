package import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A websocket client for tests (RFC 6455 over swift-nio's client upgrader): connects to a `ws://127.0.0.1:PORT/…`
/// URL, sends text messages, and keeps every text message the server sends until the test takes it.
package final class WebSocketTestClient: Sendable {
    /// Why a connection could not be used.
    package struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        package let description: String
    }

    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let received = Locked<[String]>([])

    private init(outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        self.outbound = outbound
    }

    /// Connects to `url` (loopback only), runs `body`, then sends a close frame and closes the connection, whether
    /// `body` returned or threw.
    package static func connect<Result: Sendable>(to url: URL, _ body: (WebSocketTestClient) async throws -> Result)
        async throws -> Result
    {
        guard url.scheme == "ws", let host = url.host, host == "127.0.0.1", let port = url.port else {
            throw Failure(description: "\(url) is not a ws://127.0.0.1:PORT URL")
        }
        let target = url.query.map { "\(url.path)?\($0)" } ?? url.path
        let upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(
            host: host, port: port
        ) { channel in
            channel.eventLoop.makeCompletedFuture {
                let upgrader = NIOTypedWebSocketClientUpgrader<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>(
                    maxFrameSize: 1 << 20,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                        }
                    }
                )
                let request = HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: target, headers: ["Host": "\(host):\(port)"])
                let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                    upgradeRequestHead: request,
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { nil } }
                )
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                    configuration: .init(upgradeConfiguration: configuration))
            }
        }
        guard let channel = try await upgrade.get() else {
            throw Failure(description: "\(url) refused the websocket upgrade")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = WebSocketTestClient(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.collect(inbound) }
                let result: Swift.Result<Result, any Error>
                do {
                    result = .success(try await body(client))
                } catch {
                    result = .failure(error)
                }
                var closing = ByteBuffer()
                closing.write(webSocketErrorCode: .normalClosure)
                try? await outbound.write(
                    WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: closing))
                group.cancelAll()
                while (try? await group.next()) != nil {}
                return try result.get()
            }
        }
    }

    /// Sends one text message (masked, as a client must).
    package func send(_ text: String) async throws {
        try await outbound.write(
            WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    /// The next `count` text messages, in order, taking them from the ones kept: waits (bounded, `polls` × 100 ms)
    /// until that many arrived, and returns fewer when they did not.
    package func take(_ count: Int, polls: Int = 100) async throws -> [String] {
        for _ in 0..<polls where received.value.count < count {
            try await Task.sleep(for: .milliseconds(100))
        }
        return received.withLock { texts in
            let taken = Array(texts.prefix(count))
            texts.removeFirst(taken.count)
            return taken
        }
    }

    /// Keeps the text messages until the server closes the connection or the task is cancelled; a message split over
    /// continuation frames is joined.
    private func collect(_ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>) async throws {
        var partial = ByteBuffer()
        for try await frame in inbound {
            switch frame.opcode {
            case .text, .continuation:
                var data = frame.unmaskedData
                partial.writeBuffer(&data)
                if frame.fin {
                    let text = String(buffer: partial)
                    received.withLock { $0.append(text) }
                    partial.clear()
                }
            case .connectionClose:
                return
            default:
                continue
            }
        }
    }
}
