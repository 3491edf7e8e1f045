package import AWSClients
package import AsyncHTTPClient
package import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import WebhookSigning
package import WorkerCore

/// Posts each event's JSON to one HTTP endpoint, signed when a secret is set, retrying transient failures.
///
/// Every request carries `Content-Type: application/json`, `User-Agent: thumbworker`,
/// `X-Thumbworker-Event: thumbnails.ready|thumbnails.failed` and `X-Thumbworker-Timestamp: <unix seconds>`; with a
/// secret also `X-Thumbworker-Signature: sha256=<hex>` (see `WebhookSignature` for how a receiver checks it).
///
/// Any 2xx answer is a delivery. Connection failures, timeouts, 408, 429 and 5xx are tried again with the retry
/// policy's backoff and jitter; when the attempts run out the error is retryable, so the queue message comes back.
/// Any other answer (another 4xx, a 3xx) fails at once with a permanent error: a misconfigured receiver does not fix
/// itself. Delivery is at least once: a receiver may see an event twice (its answer was lost, or the message came
/// back), so it should dedupe.
package struct WebhookNotifier: Notifier {
    /// Where and how to deliver.
    package struct Configuration: Sendable, CustomStringConvertible {
        /// The endpoint events are POSTed to.
        package var url: URL
        /// The shared HMAC secret; nil sends unsigned requests. Never logged or put in an error.
        package var secret: String?
        /// How long one attempt may take, from connecting until the answer's head arrives.
        package var timeout: Duration
        /// How many attempts, and how long to wait between them.
        package var retryPolicy: RetryPolicy

        /// Makes a configuration; the defaults are 10 seconds per attempt and 3 attempts.
        package init(
            url: URL, secret: String? = nil, timeout: Duration = .seconds(10), retryPolicy: RetryPolicy = .standard
        ) {
            self.url = url
            self.secret = secret
            self.timeout = timeout
            self.retryPolicy = retryPolicy
        }

        /// The endpoint's host (and port), never the secret.
        package var description: String {
            "webhook to \(host)\(secret == nil ? "" : " (signed)")"
        }

        /// `host` or `host:port`, for messages: the path and query may hold a token, so they are left out.
        fileprivate var host: String {
            let host = url.host ?? "(no host)"
            return url.port.map { "\(host):\($0)" } ?? host
        }
    }

    /// Why one attempt failed.
    private struct AttemptFailure: Error {
        /// What happened, for the error message, e.g. `answered HTTP 503 Service Unavailable`.
        var reason: String
        /// Whether another attempt may succeed.
        var isTransient: Bool
        /// The HTTP status, when an answer arrived.
        var status: Int?
    }

    /// The header naming the event's type.
    package static let eventHeader = "X-Thumbworker-Event"
    /// How many bytes of an error answer's body are kept: enough for the message's 60-character excerpt.
    private static let excerptBytes = 256

    /// `webhook`.
    package let name = "webhook"
    private let configuration: Configuration
    private let signature: WebhookSignature?
    private let client: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Makes a notifier that sends through `client`, which the caller creates and shuts down.
    package init(
        configuration: Configuration,
        client: HTTPClient,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.signature = configuration.secret.map(WebhookSignature.init(secret:))
        self.client = client
        self.logger = logger
        self.now = now
    }

    /// POSTs the event, retrying transient failures; throws `notificationFailed` (retryable) once the attempts run
    /// out, or `notificationRejected` (permanent) when the receiver refuses the request.
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        let body = event.jsonBytes()
        let policy = configuration.retryPolicy
        var logger = logger
        logger[metadataKey: "thumb.notifier"] = "\(name)"
        logger[metadataKey: "thumb.webhook.host"] = "\(configuration.host)"
        logger[metadataKey: "thumb.event.type"] = "\(event.type)"
        logger[metadataKey: "thumb.s3.key"] = "\(event.source.key)"
        var attempt = 1
        while true {
            logger[metadataKey: "thumb.notify.attempt"] = "\(attempt)"
            do throws(AttemptFailure) {
                try await send(body, type: event.type, logger: logger)
                logger.debug("webhook delivered")
                return
            } catch {
                var metadata: Logger.Metadata = [:]
                if let status = error.status { metadata["http.status"] = "\(status)" }
                guard error.isTransient, attempt < policy.maxAttempts, !Task.isCancelled else {
                    logger.debug("webhook delivery failed", metadata: metadata)
                    throw self.error(error, attempts: attempt)
                }
                let delay = policy.delay(afterAttempt: attempt)
                logger.notice(
                    "webhook delivery failed, retrying",
                    metadata: metadata.merging(["thumb.retry.delay": "\(delay)"]) { $1 })
                do {
                    try await policy.sleep(delay)
                } catch {
                    throw WorkerError(
                        .notificationFailed,
                        "\(configuration) was cancelled while waiting to retry; the queue message will come back",
                        retryable: true
                    )
                }
                attempt += 1
            }
        }
    }

    /// One POST: signs it with the current time, sends it and reads the answer.
    private func send(_ body: [UInt8], type: String, logger: Logger) async throws(AttemptFailure) {
        var request = HTTPClientRequest(url: configuration.url.absoluteString)
        request.method = .POST
        let timestamp = Int(now().timeIntervalSince1970)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "thumbworker")
        request.headers.add(name: Self.eventHeader, value: type)
        request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        if let signature {
            request.headers.add(
                name: WebhookSignature.signatureHeader, value: signature.headerValue(timestamp: timestamp, body: body))
        }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(configuration.timeout), logger: logger)
        } catch {
            throw transportFailure(error)
        }
        let status = Int(response.status.code)
        let excerpt = await Self.excerpt(of: response.body)
        guard !(200..<300).contains(status) else { return }
        var reason = "answered HTTP \(status) \(response.status.reasonPhrase)"
        if !excerpt.isEmpty { reason += ": \(String(decoding: excerpt, as: UTF8.self).excerpt)" }
        throw AttemptFailure(
            reason: reason, isTransient: status == 408 || status == 429 || status >= 500, status: status)
    }

    /// Names a failure to get an answer; only a URL the client cannot use is permanent.
    private func transportFailure(_ error: any Error) -> AttemptFailure {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded {
                return AttemptFailure(reason: "did not answer within \(configuration.timeout)", isTransient: true)
            }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return AttemptFailure(reason: "has a URL the HTTP client cannot use: \(error)", isTransient: false)
            }
        }
        return AttemptFailure(reason: "could not be reached: \(error)", isTransient: true)
    }

    /// The error for the last failed attempt, naming the host, what happened and what to do.
    private func error(_ failure: AttemptFailure, attempts: Int) -> WorkerError {
        if failure.isTransient {
            return WorkerError(
                .notificationFailed,
                "\(configuration) failed after \(attempts == 1 ? "1 attempt" : "\(attempts) attempts"): \(failure.reason); "
                    + "the queue message will come back and the event will be sent again — check that the receiver is up",
                retryable: true
            )
        }
        let advice =
            failure.status == 401 || failure.status == 403
            ? "check that the receiver and the worker share the same signing secret"
            : "check the webhook URL and that the receiver accepts thumbworker events"
        return WorkerError(
            .notificationRejected,
            "\(configuration) \(failure.reason); retrying will not help — \(advice)",
            retryable: false
        )
    }

    /// Reads the whole answer body (so the connection can be reused) and keeps its first bytes for messages.
    private static func excerpt(of body: HTTPClientResponse.Body) async -> [UInt8] {
        var kept: [UInt8] = []
        do {
            for try await chunk in body where kept.count < excerptBytes {
                kept += chunk.readableBytesView.prefix(excerptBytes - kept.count)
            }
        } catch {
            // The status already arrived; a body cut short only shortens the excerpt.
        }
        return kept
    }
}
