import Foundation
import Synchronization
import WorkerCore

/// A queue in memory that records deletes and visibility changes (for unit tests of the consumer logic only).
final class InMemoryQueue: MessageQueue {
    private struct State {
        var waiting: [QueueMessage] = []
        var deleted: [String] = []
        var visibility: [(id: String, timeout: Duration)] = []
        var receives = 0
        var waits: [Duration] = []
    }

    /// Whether the queue says its empty receives are exact, as the local queue does.
    let emptyReceiveIsExact: Bool

    /// An empty queue; `emptyReceiveIsExact` is what it tells the consumer.
    init(emptyReceiveIsExact: Bool = false) {
        self.emptyReceiveIsExact = emptyReceiveIsExact
    }

    private let state = Mutex(State())
    private let deletedCount = Watched(0)

    var deletedIDs: [String] { state.withLock { $0.deleted } }
    var visibilityChanges: [(id: String, timeout: Duration)] { state.withLock { $0.visibility } }
    var waitingCount: Int { state.withLock { $0.waiting.count } }
    /// The wait each receive asked for, in order.
    var receiveWaits: [Duration] { state.withLock { $0.waits } }

    /// Returns once `count` messages were deleted.
    func waitForDeletes(_ count: Int) async {
        await deletedCount.wait { $0 >= count }
    }

    /// Adds a message as if it had been delivered `receiveCount - 1` times before.
    func add(body: String, receiveCount: Int = 1) -> String {
        let id = UUID().uuidString
        state.withLock {
            $0.waiting.append(
                QueueMessage(
                    id: id, body: body, receiptHandle: "handle-\(id)", receiveCount: receiveCount, sentAt: Date()))
        }
        return id
    }

    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        let taken = state.withLock { state -> [QueueMessage] in
            state.receives += 1
            state.waits.append(wait)
            let taken = Array(state.waiting.prefix(maxMessages))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        if taken.isEmpty {
            try? await Task.sleep(for: min(wait, .milliseconds(50)))
        }
        return taken
    }

    func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        let count = state.withLock { state in
            state.deleted.append(contentsOf: messages.map(\.id))
            return state.deleted.count
        }
        deletedCount.update { $0 = count }
        return []
    }

    func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError) {
        state.withLock { $0.visibility.append((message.id, timeout)) }
    }

    func send(body: String) async throws(WorkerError) {
        _ = add(body: body)
    }

    func approximateDepth() async throws(WorkerError) -> Int {
        waitingCount
    }

    /// No dead-letter queue.
    func maxReceiveCount() async throws(WorkerError) -> Int? {
        nil
    }

    /// Received messages are gone from this queue until they are added again, so none is ever hidden.
    func hiddenMessages() async throws(WorkerError) -> HiddenMessages {
        HiddenMessages(count: 0)
    }
}
