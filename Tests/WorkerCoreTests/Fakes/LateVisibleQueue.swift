import Synchronization
import WorkerCore

/// A queue whose first receive comes back empty although a message is there, as when a backed-off message turns
/// visible just after the receive looked: the hidden count that follows is then 0 and only the visible count says the
/// queue is not idle.
final class LateVisibleQueue: MessageQueue {
    /// The messages.
    let messages = InMemoryQueue()
    private let receives = Mutex(0)

    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        let first = receives.withLock { count -> Bool in
            count += 1
            return count == 1
        }
        if first { return [] }
        return try await messages.receive(maxMessages: maxMessages, wait: wait, visibilityTimeout: visibilityTimeout)
    }

    func delete(_ batch: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        try await messages.delete(batch)
    }

    func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError) {
        try await messages.changeVisibility(message, timeout: timeout)
    }

    func send(body: String) async throws(WorkerError) {
        try await messages.send(body: body)
    }

    func approximateDepth() async throws(WorkerError) -> Int {
        try await messages.approximateDepth()
    }

    func maxReceiveCount() async throws(WorkerError) -> Int? {
        nil
    }

    func hiddenMessages() async throws(WorkerError) -> HiddenMessages {
        HiddenMessages(count: 0)
    }
}
