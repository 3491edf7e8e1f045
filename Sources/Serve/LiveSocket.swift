package import AppCore
import Foundation
package import Hummingbird
package import HummingbirdWebSocket
package import Logging
import NIOCore

/// `/live`: the websocket browsers keep open to hear when an image of a group they follow is ready or failed. A
/// client sends `{"action": "subscribe", "groupId"}` or `{"action": "unsubscribe", "groupId"}` — first
/// `{"action": "authenticate", "token"}` when `serve` asks for tokens, as browsers cannot set `Authorization` on
/// the upgrade — and the server answers each and pushes `LiveMessage`s. Pages of other origins than the server's own and `serve.cors_origins` are refused,
/// as browsers apply no CORS to websockets.
package struct LiveSocket: Sendable {
    /// The path the websocket is at.
    package static let path = "/live"
    /// The largest message a client may send.
    private static let largestClientMessage = 4096

    /// Who follows which group.
    package var subscriptions: GroupSubscriptions
    /// Where groups are looked up on subscribe.
    package var catalog: any Catalog
    /// The origins besides the server's own whose pages may connect.
    package var allowedOrigins: Set<String>
    /// Checks the token a client authenticates with, when `serve` asks for one.
    package var authentication: Authentication

    /// Creates the endpoint.
    package init(
        subscriptions: GroupSubscriptions, catalog: any Catalog, allowedOrigins: Set<String>,
        authentication: Authentication = .none
    ) {
        self.subscriptions = subscriptions
        self.catalog = catalog
        self.allowedOrigins = allowedOrigins
        self.authentication = authentication
    }

    /// Upgrades a request for `/live` from an allowed origin; others go on to the router, whose `GET /live` says why.
    package func upgrade(
        _ request: HTTPRequest
    ) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard request.path?.split(separator: "?").first == Substring(Self.path), refusal(of: request) == nil else {
            return .dontUpgrade
        }
        return .upgrade([:]) { inbound, outbound, context in
            await serve(inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    /// Answers a `GET /live` that was not upgraded: 403 for a page of another origin, else 426 Upgrade Required.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(Self.path)) { request, _ -> Response in
            if let reason = refusal(of: request.head) { throw AppError(.forbidden, reason) }
            return Response(
                status: .upgradeRequired, headers: [.upgrade: "websocket", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: "connect with a websocket: new WebSocket(\"ws://…/live\")\n")))
        }
    }

    /// Why a request may not connect: an `Origin` that is neither the server's own nor configured.
    private func refusal(of request: HTTPRequest) -> String? {
        guard let origin = request.headerFields[.origin] else { return nil }
        let own = request.authority.map { ["http://\($0)", "https://\($0)"] } ?? []
        guard !own.contains(origin), !allowedOrigins.contains(origin) else { return nil }
        return "pages from \(origin) may not connect; add it to serve.cors_origins"
    }

    /// Follows one connection until the client closes it: reads its messages, and writes what is sent to it.
    package func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        let (id, messages) = await subscriptions.connect()
        do {
            try await withThrowingTaskGroup { group in
                group.addTask {
                    for await message in messages {
                        try await outbound.write(
                            .text(String(decoding: try JSONResponse.encoded(message), as: UTF8.self)))
                    }
                }
                var authenticated = authentication.verifier == nil
                for try await message in inbound.messages(maxSize: Self.largestClientMessage) {
                    await subscriptions.send(await reply(to: message, from: id, authenticated: &authenticated), to: id)
                }
                group.cancelAll()
            }
        } catch {
            logger.debug("a live connection ended", metadata: ["serve.error": "\(error)"])
        }
        await subscriptions.disconnect(id)
    }

    /// Follows a client's message and says what came of it; `authenticated` turns true once a token verifies.
    private func reply(to message: WebSocketMessage, from id: Int, authenticated: inout Bool) async -> LiveMessage {
        guard case .text(let text) = message,
            let request = try? JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8))
        else {
            return .error(message: #"send JSON text: {"action": "subscribe", "groupId": "…"}"#)
        }
        if request.action == "authenticate" {
            guard let verifier = authentication.verifier else { return .authenticated }
            do throws(AppError) {
                _ = try await verifier.subject(ofToken: request.token ?? "")
                authenticated = true
                return .authenticated
            } catch {
                return .error(message: error.message)
            }
        }
        guard authenticated else {
            return .error(message: #"authenticate first: {"action": "authenticate", "token": "<JWT>"}"#)
        }
        guard let groupId = request.groupId, ["subscribe", "unsubscribe"].contains(request.action) else {
            return .error(
                message: "unknown action \(request.action) or no groupId: use subscribe or unsubscribe with a groupId")
        }
        if request.action == "unsubscribe" {
            await subscriptions.unsubscribe(id, from: groupId)
            return .unsubscribed(groupId: groupId)
        }
        do throws(AppError) {
            guard ItemIDs.isWellFormed(groupId), try await catalog.group(id: groupId) != nil else {
                return .error(message: "there is no group \(groupId)")
            }
        } catch {
            return .error(message: "cannot look up the group now: \(error.message)")
        }
        guard await subscriptions.subscribe(id, to: groupId) else {
            return .error(
                message: "a connection may follow \(GroupSubscriptions.largestSubscriptionCount) groups at most")
        }
        return .subscribed(groupId: groupId)
    }
}

/// A client's message on `/live`.
private struct ClientMessage: Decodable {
    /// `authenticate`, `subscribe` or `unsubscribe`.
    let action: String
    /// The group, to subscribe or unsubscribe.
    let groupId: String?
    /// The bearer token, to authenticate.
    let token: String?
}
