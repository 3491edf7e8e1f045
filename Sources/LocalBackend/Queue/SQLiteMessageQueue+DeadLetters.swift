import Foundation
import GRDB
package import WorkerCore

extension SQLiteMessageQueue {
    /// The dead-lettered messages, the earliest dead-lettered first.
    package func deadLetters() async throws(WorkerError) -> [DeadLetter] {
        try await mappingErrors {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, body, sent_at, receive_count, dead_lettered_at FROM dead_letter
                        ORDER BY dead_lettered_at, rowid
                        """
                ).map { row in
                    DeadLetter(
                        id: row["id"],
                        body: row["body"],
                        sentAt: Date(timeIntervalSince1970: row["sent_at"]),
                        receiveCount: row["receive_count"],
                        deadLetteredAt: Date(timeIntervalSince1970: row["dead_lettered_at"])
                    )
                }
            }
        }
    }

    /// Moves every dead-lettered message back into the queue, visible now with no receives; returns how many moved.
    @discardableResult
    package func redriveDeadLetters() async throws(WorkerError) -> Int {
        let now = clock.now.timeIntervalSince1970
        return try await mappingErrors {
            try await pool.write { db in
                try db.execute(
                    literal: """
                        INSERT INTO message (id, body, sent_at, visible_at, receive_count)
                        SELECT id, body, sent_at, \(now), 0 FROM dead_letter
                        """)
                let moved = db.changesCount
                try db.execute(sql: "DELETE FROM dead_letter")
                return moved
            }
        }
    }

    /// Moves message `id` from the queue to the dead-letter store, inside the caller's transaction.
    static func moveToDeadLetters(_ id: String, at now: Double, in db: Database) throws {
        try db.execute(
            literal: """
                INSERT INTO dead_letter (id, body, sent_at, receive_count, dead_lettered_at)
                SELECT id, body, sent_at, receive_count, \(now) FROM message WHERE id = \(id)
                """)
        try db.execute(literal: "DELETE FROM message WHERE id = \(id)")
    }
}
