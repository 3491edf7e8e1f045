package import AppCore
package import Foundation
package import Hummingbird
import NIOCore
import WebhookSigning
package import WorkerCore

/// `POST /events`: where a separate fleet's webhook notifier reports. Each delivery's signature and timestamp are
/// checked (`WebhookSignature`) before its event is applied to the catalog and pushed to the websocket's clients;
/// delivering the same event again changes nothing.
package struct WebhookReceiver: Sendable {
    /// The path deliveries are posted to.
    package static let path = "/events"
    /// The largest delivery read.
    private static let largestBody = 1 << 20

    /// The shared secret's checker.
    private var signature: WebhookSignature
    /// Applies each event and broadcasts it.
    package var notifier: any Notifier
    /// The receiver's clock, for the timestamp check.
    package var now: @Sendable () -> Date

    /// A receiver for deliveries signed with `secret`.
    package init(secret: String, notifier: any Notifier, now: @escaping @Sendable () -> Date = { Date() }) {
        self.signature = WebhookSignature(secret: secret)
        self.notifier = notifier
        self.now = now
    }

    /// Adds `POST /events`.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(Self.path)) { request, _ -> Response in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.largestBody)
            } catch {
                throw AppError(.tooLarge, "a delivery is at most \(Self.largestBody) bytes")
            }
            let bytes = Array(buffer: body)
            switch signature.verify(
                signature: request.headers[.init(WebhookSignature.signatureHeader)!],
                timestamp: request.headers[.init(WebhookSignature.timestampHeader)!], body: bytes, now: now())
            {
            case .valid: break
            case .malformed:
                throw AppError(
                    .unauthorized,
                    "send \(WebhookSignature.signatureHeader): sha256=<hex> and \(WebhookSignature.timestampHeader)")
            case .stale:
                throw AppError(
                    .unauthorized, "the delivery's timestamp is more than 5 minutes from this server's clock")
            case .mismatch:
                throw AppError(.unauthorized, "the signature does not match: check the notifier's webhook secret")
            }
            let event: ThumbnailEvent
            do {
                event = try ThumbnailEvent.decode(json: bytes)
            } catch {
                throw AppError(.invalidRequest, "the delivery is not a thumbnail event: \(error)")
            }
            do throws(WorkerError) {
                try await notifier.notify(event)
            } catch {
                throw AppError(
                    error.isRetryable ? .catalogUnavailable : .catalogUnusable,
                    "could not apply the event: \(error.explanation)", cause: error)
            }
            return Response(status: .noContent)
        }
    }
}
