import Logging
import Synchronization
import TestSupport
import Testing

@testable import WorkerCore

/// A message with an id and nothing else.
private func message(_ id: String) -> QueueMessage {
    QueueMessage(id: id, body: "{}", receiptHandle: "handle-\(id)", receiveCount: 1, sentAt: nil)
}

/// The ids of a batch's entries.
private func ids(_ next: SettlementBatch.Next) -> [String]? {
    if case .send(let entries) = next { return entries.map(\.message.id) }
    return nil
}

@Suite("Settling handled messages in batches")
struct SettlementBatchTests {
    @Test("the first message of a batch starts the timer, the next waits, and the timer sends them together")
    func timer() {
        var batch = SettlementBatch(capacity: 10)
        #expect(ids(batch.add((message("a"), .delete), nothingElseInFlight: false)) == nil)
        #expect(batch.pending.count == 1)
        guard case .wait = batch.add((message("b"), .delete), nothingElseInFlight: false) else {
            Issue.record("the timer already runs; the second message should wait")
            return
        }
        #expect(batch.timerFired().map(\.message.id) == ["a", "b"])
        #expect(batch.pending.isEmpty && batch.timerFired().isEmpty)
        guard case .startTimer = batch.add((message("c"), .delete), nothingElseInFlight: false) else {
            Issue.record("after the timer fired, a new batch starts it again")
            return
        }
    }

    @Test("a full batch goes at once, and so does the last message in flight")
    func fullOrLast() {
        var batch = SettlementBatch(capacity: 3)
        _ = batch.add((message("a"), .delete), nothingElseInFlight: false)
        _ = batch.add((message("b"), .release), nothingElseInFlight: false)
        #expect(ids(batch.add((message("c"), .delete), nothingElseInFlight: false)) == ["a", "b", "c"])
        #expect(ids(batch.add((message("d"), .delete), nothingElseInFlight: true)) == ["d"])
        #expect(batch.takeAll().isEmpty)
    }
}

/// A queue that records each batch call it gets.
private final class BatchRecordingQueue: MessageQueue {
    private let calls = Mutex<(deletes: [[String]], visibility: [[String: Duration]])>(([], []))

    var deleteCalls: [[String]] { calls.withLock { $0.deletes } }
    var visibilityCalls: [[String: Duration]] { calls.withLock { $0.visibility } }

    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    { [] }

    func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        calls.withLock { $0.deletes.append(messages.map(\.id)) }
        return []
    }

    func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError) {
        Issue.record("the settler should change visibility in one batch call")
    }

    func changeVisibility(_ changes: [(message: QueueMessage, timeout: Duration)]) async throws(WorkerError)
        -> [QueueFailure]
    {
        calls.withLock { state in
            state.visibility.append(Dictionary(uniqueKeysWithValues: changes.map { ($0.message.id, $0.timeout) }))
        }
        return []
    }

    func send(body: String) async throws(WorkerError) {}

    func approximateDepth() async throws(WorkerError) -> Int { 0 }

    func hiddenMessages() async throws(WorkerError) -> HiddenMessages { HiddenMessages(count: 0) }

    func maxReceiveCount() async throws(WorkerError) -> Int? { nil }
}

@Suite("The message settler")
struct MessageSettlerTests {
    @Test("one delete call for the finished, one visibility call for the rest, the dead-letter ones left alone")
    func oneCallEach() async {
        let queue = BatchRecordingQueue()
        let settler = MessageSettler(
            queue: queue, logger: .quiet)
        await settler.settle([
            (message("done-1"), .delete), (message("later"), .retryLater(.seconds(30))), (message("done-2"), .delete),
            (message("poison"), .leaveForDeadLetter), (message("unfinished"), .release),
        ])
        #expect(queue.deleteCalls == [["done-1", "done-2"]])
        #expect(queue.visibilityCalls == [["later": .seconds(30), "unfinished": .zero]])
    }

    @Test("a batch with nothing to change makes no visibility call, and one with nothing finished no delete call")
    func noEmptyCalls() async {
        let queue = BatchRecordingQueue()
        let settler = MessageSettler(
            queue: queue, logger: .quiet)
        await settler.settle([(message("done"), .delete)])
        await settler.settle([(message("back"), .release)])
        #expect(queue.deleteCalls == [["done"]])
        #expect(queue.visibilityCalls == [["back": .zero]])
    }
}
