package import AWSClients
package import Logging
package import WorkerCore

/// Publishes each event's JSON to one SNS topic, with message attributes subscribers can filter on.
///
/// The attributes are `event_type` (`thumbnails.ready` or `thumbnails.failed`) and `source_bucket`, both `String`,
/// so a subscription filter policy such as `{"event_type": ["thumbnails.failed"]}` picks out the failures
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
///
/// The client retries throttling, 5xx and dropped connections itself; when its attempts run out (or the task is
/// cancelled) the error is retryable, so the queue message comes back. Anything else — a missing topic, a policy that
/// does not allow `sns:Publish`, bad credentials — is permanent: retrying will not fix the configuration.
package struct SNSNotifier: Notifier {
    /// The name of the `event_type` message attribute.
    package static let eventTypeAttribute = "event_type"
    /// The name of the `source_bucket` message attribute.
    package static let sourceBucketAttribute = "source_bucket"

    /// `sns`.
    package let name = "sns"
    private let topicARN: String
    private let client: SNSClient
    private let logger: Logger

    /// Whether the topic is a FIFO topic (its name ends in `.fifo`), which needs a group id and takes a deduplication id.
    private var isFIFO: Bool { topicARN.hasSuffix(".fifo") }

    /// Makes a notifier publishing to `topicARN` through `client`, whose transport the caller shuts down.
    package init(topicARN: String, client: SNSClient, logger: Logger) {
        self.topicARN = topicARN
        self.client = client
        self.logger = logger
    }

    /// Publishes the event; throws `notificationFailed` (retryable) when SNS is unreachable or throttling, else
    /// `notificationRejected` (permanent) when SNS refuses the message.
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        var logger = logger
        logger[metadataKey: "thumb.notifier"] = "\(name)"
        logger[metadataKey: "thumb.sns.topic"] = "\(topicARN)"
        logger[metadataKey: "thumb.event.type"] = "\(event.type)"
        logger[metadataKey: "thumb.s3.key"] = "\(event.source.key)"
        let request = SNS.PublishRequest(
            topicARN: topicARN,
            message: String(decoding: event.jsonBytes(), as: UTF8.self),
            messageAttributes: [
                Self.eventTypeAttribute: .string(event.type),
                Self.sourceBucketAttribute: .string(event.source.bucket),
            ],
            // A FIFO topic drops a repeat of the same outcome itself, and keeps one upload's events in order.
            messageGroupID: isFIFO ? event.source.key : nil,
            messageDeduplicationID: isFIFO ? event.id : nil
        )
        do {
            let messageID = try await client.publish(request, logger: logger)
            logger.debug("sns published", metadata: ["aws.sns.message.id": "\(messageID)"])
        } catch {
            // A cancelled publish (shutdown) was not refused: the message must come back.
            let retryable = error.isRetryable || error.code == .cancelled
            logger.debug("sns publish failed", metadata: ["aws.error": "\(error.code)"])
            throw WorkerError(
                retryable ? .notificationFailed : .notificationRejected,
                retryable
                    ? "publishing to SNS topic \(topicARN) failed; the queue message will come back and the event will be "
                        + "published again"
                    : "SNS topic \(topicARN) refused the event; retrying will not help — check the topic ARN and that "
                        + "the worker's credentials may sns:Publish to it",
                retryable: retryable, cause: error
            )
        }
    }
}
