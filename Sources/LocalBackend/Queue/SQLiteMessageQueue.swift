import Foundation
import GRDB
package import WorkerCore

/// A `MessageQueue` in one SQLite file that every worker process on the machine can share, with SQS's semantics.
///
/// A receive hides the messages it returns for a visibility timeout and gives each a new receipt handle, so the
/// handle of an earlier receive no longer deletes or extends the message. A message already received
/// `maxReceiveCount` times is moved to the dead-letter store by the next receive instead of being returned, as
/// SQS's redrive policy does
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
/// The file is opened in WAL mode with a busy timeout and every change is one IMMEDIATE transaction, so processes
/// take turns and never hand one message to two receivers. The tables are described in `LocalQueueSchema`.
package struct SQLiteMessageQueue: MessageQueue {
    /// The database file.
    package let path: String
    /// Receives after which the next receive dead-letters a message instead of returning it (SQS's `maxReceiveCount`).
    package let maxReceiveCount: Int
    /// How long a long poll sleeps between looks for new messages.
    package let pollInterval: Duration
    /// The connections to the file: one writer and a few readers.
    let pool: DatabasePool
    /// Where the time comes from.
    let clock: any QueueClock

    /// Opens the queue at `path`, creating the file and its tables when they do not exist (the folder must).
    package init(
        path: String,
        maxReceiveCount: Int = 5,
        pollInterval: Duration = .milliseconds(200),
        busyTimeout: Duration = .seconds(5),
        clock: any QueueClock = SystemQueueClock()
    ) throws(WorkerError) {
        guard (1...1000).contains(maxReceiveCount) else {
            throw WorkerError(.queueRequestInvalid, "maxReceiveCount is \(maxReceiveCount); SQS allows 1 to 1000")
        }
        guard pollInterval > .zero, busyTimeout >= .zero else {
            throw WorkerError(
                .queueRequestInvalid,
                "the poll interval (\(pollInterval)) must be positive and the busy timeout (\(busyTimeout)) not negative"
            )
        }
        self.path = path
        self.maxReceiveCount = maxReceiveCount
        self.pollInterval = pollInterval
        self.clock = clock
        do {
            pool = try Self.openDatabase(path: path, busyTimeout: busyTimeout)
        } catch {
            throw WorkerError(queueDatabase: error, path: path)
        }
    }

    /// Every receive looks at every message in the file.
    package var emptyReceiveIsExact: Bool { true }

    /// Takes up to `maxMessages` visible messages, oldest first, polling until `wait` has passed if none is visible.
    ///
    /// Cancelling the task ends the wait at once with no messages; a transaction cut short by it hides none.
    package func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        guard (1...10).contains(maxMessages) else {
            throw WorkerError(.queueRequestInvalid, "maxMessages is \(maxMessages); SQS allows 1 to 10")
        }
        try Self.check(wait, "the wait", atMost: .seconds(20))
        try Self.check(visibilityTimeout, "the visibility timeout", atMost: Self.maxVisibilityTimeout)
        let deadline = clock.now.addingTimeInterval(wait.timeInterval)
        while !Task.isCancelled {
            let messages: [QueueMessage]
            do throws(WorkerError) {
                messages = try await take(maxMessages, hiddenFor: visibilityTimeout)
            } catch {
                if Task.isCancelled { return [] }
                throw error
            }
            let remaining = deadline.timeIntervalSince(clock.now)
            if !messages.isEmpty || remaining <= 0 { return messages }
            do {
                try await clock.sleep(for: min(pollInterval, .seconds(remaining)))
            } catch {
                return []  // A clock's sleep throws only when the task is cancelled.
            }
        }
        return []
    }

    /// Deletes each message whose receipt handle is its latest; reports the others with the reason.
    package func delete(_ messages: [QueueMessage]) async throws(WorkerError) -> [QueueFailure] {
        guard !messages.isEmpty else { return [] }
        return try await mappingErrors {
            try await pool.write { db in
                try messages.compactMap { message in
                    try db.execute(
                        literal:
                            "DELETE FROM message WHERE id = \(message.id) AND receipt_handle = \(message.receiptHandle)"
                    )
                    guard db.changesCount == 0 else { return nil }
                    return QueueFailure(messageID: message.id, reason: try Self.staleHandleReason(message, in: db))
                }
            }
        }
    }

    /// Hides the message for `timeout` from now (zero: visible at once); throws `receiptHandleInvalid` for a stale handle.
    package func changeVisibility(_ message: QueueMessage, timeout: Duration) async throws(WorkerError) {
        try Self.check(timeout, "the visibility timeout", atMost: Self.maxVisibilityTimeout)
        let visibleAt = clock.now.timeIntervalSince1970 + timeout.timeInterval
        try await mappingErrors {
            try await pool.write { db in
                try db.execute(
                    literal: """
                        UPDATE message SET visible_at = \(visibleAt)
                        WHERE id = \(message.id) AND receipt_handle = \(message.receiptHandle)
                        """)
                if db.changesCount == 0 {
                    throw WorkerError(.receiptHandleInvalid, try Self.staleHandleReason(message, in: db))
                }
            }
        }
    }

    /// Adds a message with a new id, visible at once.
    package func send(body: String) async throws(WorkerError) {
        let id = UUID().uuidString.lowercased()
        let now = clock.now.timeIntervalSince1970
        try await mappingErrors {
            try await pool.write { db in
                try db.execute(
                    literal: """
                        INSERT INTO message (id, body, sent_at, visible_at, receive_count) VALUES (\(id), \(body), \(now), \(now), 0)
                        """)
            }
        }
    }

    /// How many messages are visible now (in-flight and dead-lettered ones are not counted).
    package func approximateDepth() async throws(WorkerError) -> Int {
        let now = clock.now.timeIntervalSince1970
        return try await mappingErrors {
            try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE visible_at <= ?", arguments: [now]) ?? 0
            }
        }
    }

    /// The local limit, `queue.local_max_receives`.
    package func maxReceiveCount() async throws(WorkerError) -> Int? {
        maxReceiveCount
    }

    /// The messages hidden now (received and not deleted, or backed off) and when the first becomes visible.
    package func hiddenMessages() async throws(WorkerError) -> HiddenMessages {
        let now = clock.now.timeIntervalSince1970
        return try await mappingErrors {
            try await pool.read { db in
                let row = try Row.fetchOne(
                    db, sql: "SELECT COUNT(*) AS count, MIN(visible_at) AS next FROM message WHERE visible_at > ?",
                    arguments: [now])
                let next: Double? = row?["next"]
                return HiddenMessages(
                    count: row?["count"] ?? 0, nextVisibleAt: next.map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    /// Runs one database access, mapping its failure to a `WorkerError` that names the file.
    func mappingErrors<Result>(_ access: () async throws -> Result) async throws(WorkerError) -> Result {
        do {
            return try await access()
        } catch {
            throw WorkerError(queueDatabase: error, path: path)
        }
    }

    /// SQS's longest visibility timeout, 12 hours.
    private static let maxVisibilityTimeout = Duration.seconds(43_200)

    /// In one transaction: hides up to `maxMessages` visible messages, oldest first, each with a new receipt handle,
    /// and dead-letters instead those a receive would take past `maxReceiveCount`.
    private func take(_ maxMessages: Int, hiddenFor visibilityTimeout: Duration) async throws(WorkerError)
        -> [QueueMessage]
    {
        let now = clock.now.timeIntervalSince1970
        let visibleAt = now + visibilityTimeout.timeInterval
        let maxReceiveCount = maxReceiveCount
        return try await mappingErrors {
            // An idle poll only reads (WAL readers never wait for writers, nor block them): the write lock is taken
            // only when a message is there to take.
            let anyVisible = try await pool.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM message WHERE visible_at <= ?)", arguments: [now])
                    ?? false
            }
            guard anyVisible else { return [] }
            return try await pool.write { db in
                var taken: [QueueMessage] = []
                // Ids looked at so far: with a zero visibility timeout a taken message is still visible.
                var seen: [String] = []
                while taken.count < maxMessages {
                    let rows = try SQLRequest<Row>(
                        """
                        SELECT id, body, sent_at, receive_count FROM message
                        WHERE visible_at <= \(now) AND id NOT IN \(seen)
                        ORDER BY sent_at, rowid LIMIT \(maxMessages - taken.count)
                        """
                    ).fetchAll(db)
                    if rows.isEmpty { break }
                    for row in rows {
                        let id: String = row["id"]
                        seen.append(id)
                        let receiveCount: Int = row["receive_count"] + 1
                        if receiveCount > maxReceiveCount {
                            try Self.moveToDeadLetters(id, at: now, in: db)
                            continue
                        }
                        let handle = UUID().uuidString.lowercased()
                        try db.execute(
                            literal: """
                                UPDATE message SET receive_count = \(receiveCount), visible_at = \(visibleAt), receipt_handle = \(handle)
                                WHERE id = \(id)
                                """)
                        let sentAt = Date(timeIntervalSince1970: row["sent_at"])
                        taken.append(
                            QueueMessage(
                                id: id, body: row["body"], receiptHandle: handle, receiveCount: receiveCount,
                                sentAt: sentAt))
                    }
                }
                return taken
            }
        }
    }

    /// Why `message`'s receipt handle matched nothing, in words for a failure report or an error.
    private static func staleHandleReason(_ message: QueueMessage, in db: Database) throws -> String {
        if let count = try Int.fetchOne(
            db, sql: "SELECT receive_count FROM message WHERE id = ?", arguments: [message.id])
        {
            return
                "the receipt handle is stale: message \(message.id) was received again since (\(count) receives so far); only the latest receive's handle works"
        }
        if let count = try Int.fetchOne(
            db, sql: "SELECT receive_count FROM dead_letter WHERE id = ?", arguments: [message.id])
        {
            return
                "message \(message.id) was moved to the dead-letter store after \(count) receives; list dead letters with `thumbworker dead-letters` and put them back with `thumbworker dead-letters --redrive`"
        }
        return
            "message \(message.id) is not in the queue: it was already deleted, or the handle comes from another queue"
    }

    /// Throws `queueRequestInvalid` unless `duration` lies within 0 and SQS's `limit`.
    private static func check(_ duration: Duration, _ name: String, atMost limit: Duration) throws(WorkerError) {
        guard duration >= .zero, duration <= limit else {
            throw WorkerError(.queueRequestInvalid, "\(name) is \(duration); SQS allows 0 to \(limit)")
        }
    }
}
