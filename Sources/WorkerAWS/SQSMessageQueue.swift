package import AWSClients
import Foundation
package import Logging
package import WorkerCore

/// The production `MessageQueue`: one SQS queue, over SQS's JSON protocol.
///
/// Request limits (1–10 messages, waits of 0–20 s, visibility timeouts of 0–12 h) are SQS's to enforce: a request
/// outside them comes back as `queueRequestInvalid`. Durations are sent as whole seconds, rounded up.
///
/// Errors: throttling, 5xx, timeouts and dropped connections (once the client's own retries ran out) and cancellation
/// are `queueUnavailable`, retryable. A stale or foreign receipt handle is `receiptHandleInvalid`. A missing queue,
/// refused access or a client misconfiguration is `queueUnusable`, naming the queue URL and what to check; any other
/// request SQS rejects is `queueRequestInvalid`. Error messages carry receipt handles cut to their first eight characters.
package struct SQSMessageQueue: MessageQueue {
    /// The client, whose transport the caller shuts down.
    package let client: SQSClient
    /// The queue's URL, e.g. `https://sqs.eu-west-1.amazonaws.com/123456789012/uploads`.
    package let queueURL: String
    /// Where the calls are logged, with `thumb.queue.url` set.
    package let logger: Logger

    /// The port over the queue at `queueURL`; nothing is sent before the first call.
    package init(client: SQSClient, queueURL: String, logger: Logger) {
        self.client = client
        self.queueURL = queueURL
        var logger = logger
        logger[metadataKey: "thumb.queue.url"] = "\(queueURL)"
        self.logger = logger
    }

    /// SQS keeps a long poll going after the client gives up on it, and hides what it hands to it.
    package var abandonedReceiveMayHideMessages: Bool { true }

    /// Long-polls for up to `wait`; each message comes with its receive count and the time it was sent.
    ///
    /// Cancelling the task ends the poll at once with no messages, as the local queue does. SQS keeps the abandoned
    /// poll open for the rest of `wait`: a message arriving meanwhile is handed to it, stays hidden for
    /// `visibilityTimeout` and then comes back with its receive count raised by one (ministack does the same;
    /// https://github.com/aws/aws-sdk-java-v2/issues/1395) — which is why the consumer lets a poll finish on shutdown.
    package func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        let request = SQS.ReceiveMessageRequest(
            queueURL: queueURL,
            maxNumberOfMessages: maxMessages,
            waitTimeSeconds: Self.wholeSeconds(wait),
            visibilityTimeoutSeconds: Self.wholeSeconds(visibilityTimeout),
            systemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
            messageAttributeNames: []
        )
        do {
            return try await client.receiveMessages(request, logger: logger).map(Self.queueMessage)
        } catch  where error.code == .cancelled || Task.isCancelled {
            return []
        } catch {
            throw workerError(error, "ReceiveMessage")
        }
    }

    /// Deletes with DeleteMessageBatch, ten at a time (SQS's limit); returns the entries SQS refused, with why.
    ///
    /// A batch that fails as a whole throws; the batches before it stay deleted, and deleting them again is harmless.
    /// SQS may accept a stale receipt handle without deleting anything: "if you don't provide the most recently received
    /// receipt handle for the message, the request will still succeed, but the message might not be deleted"
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
    package func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        try await inBatches(messages, message: { $0 }, operation: "DeleteMessageBatch") { id, message in
            SQS.DeleteEntry(id: id, receiptHandle: message.receiptHandle)
        } send: { entries throws(AWSError) in
            try await client.deleteMessages(queueURL: queueURL, entries: entries, logger: logger)
        }
    }

    /// ChangeMessageVisibilityBatch, ten messages a call; returns the changes SQS refused.
    package func changeVisibility(_ changes: [(message: QueueMessage, timeout: Duration)]) async throws(WorkerError)
        -> [QueueFailure]
    {
        try await inBatches(changes, message: \.message, operation: "ChangeMessageVisibilityBatch") { id, change in
            SQS.VisibilityEntry(
                id: id, receiptHandle: change.message.receiptHandle,
                visibilityTimeoutSeconds: Self.wholeSeconds(change.timeout))
        } send: { entries throws(AWSError) in
            try await client.changeMessageVisibilities(queueURL: queueURL, entries: entries, logger: logger)
        }
    }

    /// Sends `items` in calls of at most ten entries and collects the per-entry failures. Entry ids are positions in
    /// the call: message ids repeat when a message is passed twice.
    private func inBatches<Item, Entry>(
        _ items: [Item], message: (Item) -> QueueMessage, operation: String,
        entry: (String, Item) -> Entry, send: ([Entry]) async throws(AWSError) -> SQS.BatchResult
    ) async throws(WorkerError) -> [QueueFailure] {
        var failures: [QueueFailure] = []
        for start in stride(from: 0, to: items.count, by: Self.batchLimit) {
            let batch = Array(items[start..<min(start + Self.batchLimit, items.count)])
            let result: SQS.BatchResult
            do {
                result = try await send(batch.indices.map { entry(String($0), batch[$0]) })
            } catch {
                throw workerError(error, operation)
            }
            for failure in result.failed {
                let item = Int(failure.id).flatMap { batch.indices.contains($0) ? batch[$0] : nil }
                failures.append(Self.queueFailure(failure, message: item.map(message)))
            }
        }
        return failures
    }

    /// Hides the message for `timeout` from now (zero: visible at once); a stale handle throws `receiptHandleInvalid`.
    package func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError) {
        do {
            try await client.changeMessageVisibility(
                queueURL: queueURL,
                receiptHandle: message.receiptHandle,
                visibilityTimeoutSeconds: Self.wholeSeconds(timeout),
                logger: logger
            )
        } catch {
            throw workerError(error, "ChangeMessageVisibility", message: message)
        }
    }

    /// Sends a message with `body`, visible at once unless the queue has a delivery delay.
    package func send(body: String) async throws(WorkerError) {
        do {
            _ = try await client.sendMessage(SQS.SendMessageRequest(queueURL: queueURL, body: body), logger: logger)
        } catch {
            throw workerError(error, "SendMessage")
        }
    }

    /// SQS's `ApproximateNumberOfMessages`: the visible messages, neither in flight nor delayed (eventually consistent).
    package func approximateDepth() async throws(WorkerError) -> Int {
        try await countAttributes(["ApproximateNumberOfMessages"])[0]
    }

    /// SQS's `ApproximateNumberOfMessagesNotVisible` (in flight) plus `ApproximateNumberOfMessagesDelayed`; SQS does not
    /// say when the first becomes visible.
    package func hiddenMessages() async throws(WorkerError) -> HiddenMessages {
        let counts = try await countAttributes([
            "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        ])
        return HiddenMessages(count: counts.reduce(0, +))
    }

    /// The `maxReceiveCount` of the queue's `RedrivePolicy`, nil when it has none
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html).
    package func maxReceiveCount() async throws(WorkerError) -> Int? {
        let attributes: [String: String]
        do {
            attributes = try await client.queueAttributes(queueURL: queueURL, names: ["RedrivePolicy"], logger: logger)
        } catch {
            throw workerError(error, "GetQueueAttributes")
        }
        guard let policy = attributes["RedrivePolicy"], !policy.isEmpty else { return nil }
        // SQS writes the count as a number or as a string, depending on how the policy was set.
        let count = (try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])?["maxReceiveCount"]
        if let number = count as? Int { return number }
        if let text = count as? String, let number = Int(text) { return number }
        throw WorkerError(
            .queueUnusable, "the RedrivePolicy of \(queueURL) has no maxReceiveCount: \(policy.excerpt)")
    }

    /// The numbers in queue attributes `names`, in their order.
    private func countAttributes(_ names: [String]) async throws(WorkerError) -> [Int] {
        let attributes: [String: String]
        do {
            attributes = try await client.queueAttributes(queueURL: queueURL, names: names, logger: logger)
        } catch {
            throw workerError(error, "GetQueueAttributes")
        }
        var counts: [Int] = []
        for name in names {
            guard let count = attributes[name].flatMap({ Int($0) }) else {
                throw WorkerError(
                    .queueUnusable,
                    "GetQueueAttributes on \(queueURL) answered without a number for \(name) "
                        + "(\(attributes[name] ?? "absent")): is the endpoint really SQS?"
                )
            }
            counts.append(count)
        }
        return counts
    }

    /// The most entries one SQS batch call takes.
    private static let batchLimit = 10

    /// What SQS's actions need; named when access is denied.
    private static let neededPermissions =
        "sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes and sqs:SendMessage"

    /// The port's message for one received SQS message; a missing receive count counts as the first receive.
    private static func queueMessage(_ message: SQS.Message) -> QueueMessage {
        QueueMessage(
            id: message.messageID,
            body: message.body,
            receiptHandle: message.receiptHandle,
            receiveCount: message.approximateReceiveCount ?? 1,
            sentAt: message.sentTimestamp
        )
    }

    /// The port's failure for one refused entry of a DeleteMessageBatch.
    private static func queueFailure(_ failure: SQS.BatchFailure, message: QueueMessage?) -> QueueFailure {
        var reason = "SQS did not delete it: \(failure.code)"
        if let explanation = failure.message {
            reason += ": " + (message.map { redacting($0.receiptHandle, in: explanation) } ?? explanation)
        }
        if SQS.isStaleReceiptHandle(code: failure.code, message: failure.message) {
            reason +=
                " (the receipt handle is stale or from another queue: the message was received again, deleted or "
                + "moved to the dead-letter queue since; if it is still in the queue it will be delivered again)"
        } else if !failure.senderFault {
            reason += " (an SQS-side failure; deleting again may succeed)"
        }
        return QueueFailure(messageID: message?.id ?? "batch entry \(failure.id)", reason: reason)
    }

    /// The queue error for a failed call of `operation`, with `message`'s receipt handle cut short.
    private func workerError(_ error: AWSError, _ operation: String, message: QueueMessage? = nil) -> WorkerError {
        let explanation = message.map { Self.redacting($0.receiptHandle, in: error.description) } ?? error.description
        switch SQS.ErrorMeaning(error) {
        case .cancelled:
            return WorkerError(
                .queueUnavailable,
                "\(operation) on \(queueURL) was cancelled before SQS answered; it may or may not have taken effect",
                retryable: true
            )
        case .queueMissing:
            return WorkerError(
                .queueUnusable,
                "the SQS queue \(queueURL) does not exist (\(operation): \(explanation)); check queue.url — the account "
                    + "id, the queue name and its region, \(client.endpoint.region) here — and that the queue was not deleted"
            )
        case .accessDenied:
            return WorkerError(
                .queueUnusable,
                "SQS refused \(operation) on \(queueURL): \(explanation); check the credentials, and that their IAM policy "
                    + "and the queue's access policy allow \(Self.neededPermissions) on this queue (and kms:Decrypt and "
                    + "kms:GenerateDataKey on its key if it is encrypted with a customer managed KMS key)"
            )
        case .staleReceiptHandle where message != nil:
            return WorkerError(
                .receiptHandleInvalid,
                "the receipt handle of message \(message?.id ?? "") is no longer valid: the message was received again, "
                    + "deleted or moved to the dead-letter queue since, or the handle comes from another queue (\(explanation))"
            )
        case .transient:
            return WorkerError(
                .queueUnavailable,
                "\(operation) on \(queueURL) failed: \(explanation); trying again later may succeed",
                retryable: true
            )
        case .requestInvalid, .staleReceiptHandle:
            return WorkerError(.queueRequestInvalid, "SQS rejected \(operation) on \(queueURL): \(explanation)")
        case .unusable:
            return WorkerError(.queueUnusable, "\(operation) on \(queueURL) failed: \(explanation)")
        }
    }

    /// `text` with every copy of `handle` cut to its first eight characters: AWS quotes whole handles in its errors.
    private static func redacting(_ handle: String, in text: String) -> String {
        guard !handle.isEmpty else { return text }
        return text.replacingOccurrences(of: handle, with: "\(handle.prefix(8))…")
    }

    /// `duration` in whole seconds, rounded up, as SQS takes it: half a second of visibility hides for one, not none.
    private static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
