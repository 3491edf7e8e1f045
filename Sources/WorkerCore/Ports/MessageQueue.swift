package import Foundation

/// A queue of upload events with SQS semantics: long polling, visibility timeout, receive count, dead-lettering.
package protocol MessageQueue: Sendable {
    /// Waits up to `wait` for messages and returns at most `maxMessages` (1–10), each hidden for `visibilityTimeout`.
    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    /// Deletes messages by receipt handle; returns the ones that could not be deleted.
    func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure]
    /// Hides a received message for `timeout` from now; zero makes it visible again at once.
    func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError)
    /// Changes several messages' visibility at once; returns the ones that could not be changed.
    func changeVisibility(_ changes: [(message: QueueMessage, timeout: Duration)]) async throws(WorkerError)
        -> [QueueFailure]
    /// Sends a message (used to enqueue uploads locally and by tests).
    func send(body: String) async throws(WorkerError)
    /// About how many messages wait to be received.
    func approximateDepth() async throws(WorkerError) -> Int
    /// Receives after which the queue moves a message to its dead-letter queue (SQS's `RedrivePolicy`
    /// `maxReceiveCount`, the local queue's own limit); nil when it has none.
    func maxReceiveCount() async throws(WorkerError) -> Int?
    /// About how many messages are hidden now (received and not yet deleted, by any worker, live or dead, or delayed),
    /// and when the first of them becomes visible again, if the queue knows.
    func hiddenMessages() async throws(WorkerError) -> HiddenMessages
    /// Whether a receive cancelled while it waits may still take messages on the server, which then stay hidden for the
    /// visibility timeout (an SQS long poll does); a consumer that is shutting down lets such a receive finish.
    var abandonedReceiveMayHideMessages: Bool { get }
    /// Whether an empty receive proves that no message was visible at that moment (the local queue looks at every
    /// message; an SQS short poll samples some of its servers), so a consumer that stops when idle need not wait out a
    /// long poll to know the queue is drained.
    var emptyReceiveIsExact: Bool { get }
}

extension MessageQueue {
    /// A queue in this process gives nothing to a receive that was cancelled.
    package var abandonedReceiveMayHideMessages: Bool { false }

    /// A queue is not assumed to answer empty receives exactly.
    package var emptyReceiveIsExact: Bool { false }

    /// One change after the other, for queues without a batch call (a local queue's calls cost no round trip).
    package func changeVisibility(_ changes: [(message: QueueMessage, timeout: Duration)]) async throws(WorkerError)
        -> [QueueFailure]
    {
        var failures: [QueueFailure] = []
        for (message, timeout) in changes {
            do {
                try await changeVisibility(message, timeout: timeout)
            } catch  where !error.isRetryable {
                failures.append(QueueFailure(messageID: message.id, reason: error.explanation))
            }
        }
        return failures
    }
}

/// One received message.
package struct QueueMessage: Sendable, Hashable {
    /// The queue's id for the message (stable across receives).
    package var id: String
    /// The body, e.g. an SNS envelope around an S3 event.
    package var body: String
    /// The handle of this receive, needed to delete it or change its visibility.
    package var receiptHandle: String
    /// How many times the message has been received, this time included.
    package var receiveCount: Int
    /// When the message was first sent.
    package var sentAt: Date?

    /// Creates a message.
    package init(id: String, body: String, receiptHandle: String, receiveCount: Int, sentAt: Date?) {
        self.id = id
        self.body = body
        self.receiptHandle = receiptHandle
        self.receiveCount = receiveCount
        self.sentAt = sentAt
    }
}

/// The messages a queue hides for now: received by some worker (perhaps one that died), backed off, or delayed.
package struct HiddenMessages: Sendable, Hashable {
    /// How many (approximately, on SQS).
    package var count: Int
    /// When the first of them becomes visible again; nil when the queue does not say (SQS).
    package var nextVisibleAt: Date?

    /// Creates the figures.
    package init(count: Int, nextVisibleAt: Date? = nil) {
        self.count = count
        self.nextVisibleAt = nextVisibleAt
    }
}

/// A message the queue refused to delete, and why.
package struct QueueFailure: Sendable, Hashable {
    /// The message id.
    package var messageID: String
    /// The queue's reason.
    package var reason: String

    /// Creates a failure.
    package init(messageID: String, reason: String) {
        self.messageID = messageID
        self.reason = reason
    }
}
