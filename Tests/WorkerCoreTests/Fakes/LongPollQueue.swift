import Synchronization
import WorkerCore

/// A queue whose receive behaves like an SQS long poll: it waits up to `wait` for a message, and one cancelled while it
/// waits goes on waiting "on the server", taking a message that arrives meanwhile and hiding it from everyone (for unit
/// tests of the consumer logic only).
final class LongPollQueue: MessageQueue {
    /// The messages and what was done to them.
    let messages = InMemoryQueue()
    private let hidden = Mutex<[String]>([])
    private let polls = AsyncStream.makeStream(of: Void.self)

    /// Ids of messages taken by receives nobody was waiting for any more.
    var hiddenByAbandonedPolls: [String] { hidden.withLock { $0 } }

    var abandonedReceiveMayHideMessages: Bool { true }

    /// Returns once a receive has begun waiting (at once if one already has).
    func waitForPoll() async {
        var starts = polls.stream.makeAsyncIterator()
        _ = await starts.next()
    }

    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        let deadline = ContinuousClock.now + wait
        polls.continuation.yield()
        while ContinuousClock.now < deadline {
            if Task.isCancelled {
                abandon(until: deadline, maxMessages: maxMessages)
                throw WorkerError(.queueUnavailable, "the receive was cancelled", retryable: true)
            }
            let taken = try await messages.receive(
                maxMessages: maxMessages, wait: .zero, visibilityTimeout: visibilityTimeout)
            if !taken.isEmpty { return taken }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return []
    }

    /// The server's side of a cancelled poll: it still hands out what arrives before the deadline, to no one.
    private func abandon(until deadline: ContinuousClock.Instant, maxMessages: Int) {
        Task { [self] in
            while ContinuousClock.now < deadline {
                let taken =
                    (try? await messages.receive(maxMessages: maxMessages, wait: .zero, visibilityTimeout: .seconds(30)))
                    ?? []
                if !taken.isEmpty {
                    hidden.withLock { $0 += taken.map(\.id) }
                    return
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        try await self.messages.delete(messages)
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
        HiddenMessages(count: hiddenByAbandonedPolls.count)
    }
}
