import Foundation
import LocalBackend
import TestSupport
import Testing
import WorkerCore

@Suite("The SQLite queue behaves as SQS does", .timeLimit(.minutes(1)))
final class SQLiteMessageQueueTests: Sendable {
    /// A new folder per test, removed after it, holding the test's database file.
    let folder: URL
    /// The database file every queue instance of the test shares, as worker processes would.
    let path: String
    /// The time of every queue instance of the test.
    let clock = ManualQueueClock()

    /// Makes the test's folder.
    init() throws {
        folder = try TemporaryFolder.make()
        path = folder.appendingPathComponent("queue.sqlite").path
    }

    /// Removes the test's folder and the database files in it.
    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Opens an instance on the test's file; each call is a separate set of connections, like another process.
    func openQueue(maxReceiveCount: Int = 5, pollInterval: Duration = .seconds(1)) throws -> SQLiteMessageQueue {
        try SQLiteMessageQueue(path: path, maxReceiveCount: maxReceiveCount, pollInterval: pollInterval, clock: clock)
    }

    /// One short-poll receive of up to `maxMessages`, hidden for `hide` seconds.
    func receive(_ queue: SQLiteMessageQueue, _ maxMessages: Int = 10, hide: Int = 30) async throws -> [QueueMessage] {
        try await queue.receive(maxMessages: maxMessages, wait: .zero, visibilityTimeout: .seconds(hide))
    }

    @Test("an idle poll only reads: it answers empty while another process holds the database's write lock")
    func idlePollTakesNoWriteLock() async throws {
        let queue = try SQLiteMessageQueue(path: path, busyTimeout: .zero, clock: clock)
        // A sqlite3 connection in another process takes the write lock and holds it until its input closes.
        let holder = Process()
        holder.executableURL = URL(filePath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\n"
                + "print('locked', flush=True)\nsys.stdin.read()\nc.execute('ROLLBACK')",
            path,
        ]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("locked"))
        // With no busy timeout, a receive that asked for the write lock would fail with "database is locked".
        #expect(try await receive(queue).isEmpty)
        #expect(try await queue.approximateDepth() == 0)
    }

    @Test("messages come oldest first, at most maxMessages at a time")
    func oldestFirst() async throws {
        let queue = try openQueue()
        for body in ["a", "b", "c"] {
            try await queue.send(body: body)
            clock.advance(by: 1)
        }
        #expect(try await receive(queue, 2).map(\.body) == ["a", "b"])
        let last = try #require(try await receive(queue).first)
        #expect(last.body == "c")
        #expect(last.sentAt == clock.now.addingTimeInterval(-1))
    }

    @Test("a received message is hidden for the visibility timeout, then received again")
    func visibilityTimeout() async throws {
        let queue = try openQueue()
        try await queue.send(body: "hello")
        let first = try await receive(queue, hide: 30)
        #expect(first.map(\.body) == ["hello"])
        #expect(try await receive(queue).isEmpty)
        clock.advance(by: 29)
        #expect(try await receive(queue).isEmpty)
        clock.advance(by: 1)
        let second = try await receive(queue)
        #expect(second.map(\.id) == first.map(\.id))
    }

    @Test("a zero visibility timeout leaves messages visible, yet one receive returns each message once")
    func zeroVisibilityTimeout() async throws {
        let queue = try openQueue()
        for body in ["a", "b"] { try await queue.send(body: body) }
        #expect(try await receive(queue, 10, hide: 0).map(\.body) == ["a", "b"])
        let again = try await receive(queue, 10, hide: 0)
        #expect(again.map(\.body) == ["a", "b"])
        #expect(again.map(\.receiveCount) == [2, 2])
    }

    @Test("each receive counts and issues a new receipt handle")
    func receiveCount() async throws {
        let queue = try openQueue()
        try await queue.send(body: "hello")
        var handles: Set<String> = []
        for expected in 1...3 {
            let message = try #require(try await receive(queue, hide: 10).first)
            #expect(message.receiveCount == expected)
            handles.insert(message.receiptHandle)
            clock.advance(by: 10)
        }
        #expect(handles.count == 3)
    }

    @Test("a message received maxReceiveCount times is dead-lettered by the next receive, which takes the next message")
    func deadLettering() async throws {
        let queue = try openQueue(maxReceiveCount: 3)
        try await queue.send(body: "poison")
        for _ in 1...3 {
            #expect(try await receive(queue, hide: 10).map(\.body) == ["poison"])
            clock.advance(by: 10)
        }
        try await queue.send(body: "fine")
        #expect(try await receive(queue, 1, hide: 10).map(\.body) == ["fine"])
        clock.advance(by: 10)
        #expect(try await receive(queue).map(\.body) == ["fine"])
        let dead = try await queue.deadLetters()
        #expect(dead.map(\.body) == ["poison"])
        #expect(dead.first?.receiveCount == 3)
        #expect(dead.first?.deadLetteredAt == clock.now.addingTimeInterval(-10))
    }

    @Test("redriving dead letters makes them receivable again with a fresh receive count")
    func redrive() async throws {
        let queue = try openQueue(maxReceiveCount: 1)
        try await queue.send(body: "poison")
        let original = try #require(try await receive(queue, hide: 10).first)
        clock.advance(by: 10)
        #expect(try await receive(queue).isEmpty)
        #expect(try await queue.deadLetters().count == 1)

        #expect(try await queue.redriveDeadLetters() == 1)
        #expect(try await queue.deadLetters().isEmpty)
        let again = try #require(try await receive(queue).first)
        #expect(again.id == original.id)
        #expect(again.body == "poison")
        #expect(again.receiveCount == 1)
        #expect(again.sentAt == original.sentAt)
    }

    @Test("deleting with the latest receipt handle removes the message; a stale or spent handle is reported")
    func deleteByReceiptHandle() async throws {
        let queue = try openQueue()
        try await queue.send(body: "hello")
        let stale = try #require(try await receive(queue, hide: 10).first)
        clock.advance(by: 10)
        let latest = try #require(try await receive(queue, hide: 10).first)

        let staleFailures = try await queue.delete([stale])
        #expect(staleFailures.map(\.messageID) == [stale.id])
        #expect(staleFailures.first?.reason.contains("received again") == true)

        #expect(try await queue.delete([latest]).isEmpty)
        clock.advance(by: 10)
        #expect(try await receive(queue).isEmpty)
        let spent = try await queue.delete([latest])
        #expect(spent.first?.reason.contains("already deleted") == true)
    }

    @Test("changing visibility with a stale receipt handle throws receiptHandleInvalid, not retryable")
    func staleChangeVisibility() async throws {
        let queue = try openQueue()
        try await queue.send(body: "hello")
        let stale = try #require(try await receive(queue, hide: 10).first)
        clock.advance(by: 10)
        _ = try await receive(queue, hide: 10)

        let error = await #expect(throws: WorkerError.self) {
            try await queue.changeVisibility(stale, timeout: .seconds(60))
        }
        #expect(error?.code == .receiptHandleInvalid)
        #expect(error?.isRetryable == false)
    }

    @Test("changing visibility to zero releases the message at once; a longer timeout extends the hiding")
    func changeVisibility() async throws {
        let queue = try openQueue()
        try await queue.send(body: "hello")
        let message = try #require(try await receive(queue, hide: 10).first)
        try await queue.changeVisibility(message, timeout: .seconds(60))
        clock.advance(by: 59)
        #expect(try await receive(queue).isEmpty)
        try await queue.changeVisibility(message, timeout: .zero)
        let again = try #require(try await receive(queue).first)
        #expect(again.id == message.id)
        #expect(again.receiveCount == 2)
    }

    @Test("depth counts only visible messages")
    func depth() async throws {
        let queue = try openQueue(maxReceiveCount: 1)
        for body in ["a", "b", "c"] { try await queue.send(body: body) }
        #expect(try await queue.approximateDepth() == 3)
        _ = try await receive(queue, 1, hide: 10)
        #expect(try await queue.approximateDepth() == 2)
        clock.advance(by: 10)
        #expect(try await queue.approximateDepth() == 3)
        _ = try await receive(queue, 10, hide: 10)
        clock.advance(by: 10)
        _ = try await receive(queue)
        #expect(try await queue.deadLetters().count == 3)
        #expect(try await queue.approximateDepth() == 0)
    }

    @Test("the redrive limit is the local maxReceiveCount")
    func redriveLimit() async throws {
        #expect(try await openQueue(maxReceiveCount: 4).maxReceiveCount() == 4)
    }

    @Test("hidden messages are counted, with the time the first becomes visible again")
    func hidden() async throws {
        let queue = try openQueue()
        for body in ["a", "b", "c"] { try await queue.send(body: body) }
        #expect(try await queue.hiddenMessages() == HiddenMessages(count: 0))
        let first = try await receive(queue, 1, hide: 20)
        _ = try await receive(queue, 1, hide: 10)
        #expect(try await queue.hiddenMessages() == HiddenMessages(count: 2, nextVisibleAt: clock.now + 10))
        _ = try await queue.delete(first)
        clock.advance(by: 10)
        #expect(try await queue.hiddenMessages() == HiddenMessages(count: 0), "deleted, or visible again")
    }

    @Test("a long poll returns the message another instance sends while it waits")
    func longPollWakesOnSend() async throws {
        let consumer = try openQueue()
        let producer = try openQueue()
        async let received = consumer.receive(maxMessages: 10, wait: .seconds(20), visibilityTimeout: .seconds(30))
        await clock.waitForSleeper()
        try await Task { try await producer.send(body: "late") }.value
        clock.advance(by: 1)
        #expect(try await received.map(\.body) == ["late"])
    }

    @Test("a long poll with nothing to receive returns nothing once the wait has passed")
    func longPollTimesOut() async throws {
        let queue = try openQueue(pollInterval: .seconds(1))
        async let received = queue.receive(maxMessages: 1, wait: .seconds(3), visibilityTimeout: .seconds(30))
        for _ in 1...3 {
            await clock.waitForSleeper()
            clock.advance(by: 1)
        }
        #expect(try await received.isEmpty)
    }

    @Test("cancelling the task ends a long poll with no messages, hiding none")
    func cancelledLongPoll() async throws {
        let queue = try openQueue()
        let poll = Task { try await queue.receive(maxMessages: 1, wait: .seconds(20), visibilityTimeout: .seconds(30)) }
        await clock.waitForSleeper()
        poll.cancel()
        #expect(try await poll.value.isEmpty)
        try await queue.send(body: "after")
        #expect(try await queue.approximateDepth() == 1)
    }

    @Test("two instances on one file receiving concurrently hand every message out exactly once")
    func concurrentReceivers() async throws {
        let first = try openQueue()
        let second = try openQueue()
        let bodies = (0..<300).map { "message \($0)" }
        for body in bodies { try await first.send(body: body) }

        let received = try await withThrowingTaskGroup(of: [String].self) { group in
            for receiver in 0..<6 {
                let queue = receiver.isMultiple(of: 2) ? first : second
                group.addTask {
                    var taken: [String] = []
                    while true {
                        let batch = try await queue.receive(
                            maxMessages: receiver % 3 + 1, wait: .zero, visibilityTimeout: .seconds(600))
                        if batch.isEmpty { return taken }
                        taken += batch.map(\.body)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(received.count == bodies.count)
        #expect(received.sorted() == bodies.sorted())
    }

    @Test("several instances can create one new file at the same moment")
    func concurrentOpen() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { try await self.openQueue().send(body: "hello") }
            }
            try await group.waitForAll()
        }
        #expect(try await openQueue().approximateDepth() == 4)
    }

    @Test(
        "requests outside SQS's limits are refused",
        arguments: [
            (0, 0, 30), (11, 0, 30), (1, 21, 30), (1, -1, 30), (1, 0, 43_201), (1, 0, -1),
        ])
    func requestLimits(maxMessages: Int, waitSeconds: Int, visibilitySeconds: Int) async throws {
        let queue = try openQueue()
        let error = await #expect(throws: WorkerError.self) {
            try await queue.receive(
                maxMessages: maxMessages, wait: .seconds(waitSeconds), visibilityTimeout: .seconds(visibilitySeconds))
        }
        #expect(error?.code == .queueRequestInvalid)
    }

    @Test("a file that is not a queue database is refused with its path and what to do")
    func notADatabase() throws {
        try Data(String(repeating: "not a database ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: WorkerError.self) { try self.openQueue() }
        #expect(error?.code == .queueUnusable)
        #expect(error?.isRetryable == false)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("move it away") == true)
    }

    @Test("a queue in a missing folder is refused with its path and what to check")
    func missingFolder() throws {
        let missing = folder.appendingPathComponent("absent/queue.sqlite").path
        let error = #expect(throws: WorkerError.self) { try SQLiteMessageQueue(path: missing, clock: self.clock) }
        #expect(error?.code == .queueUnusable)
        #expect(error?.message.contains(missing) == true)
        #expect(error?.message.contains("folder exists") == true)
    }
}
