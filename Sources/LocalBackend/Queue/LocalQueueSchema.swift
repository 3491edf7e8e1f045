import GRDB
import WorkerCore

/// The local queue's tables, created on open and upgraded with GRDB's `DatabaseMigrator`.
///
/// ```
/// message          every message in the queue, visible or in flight
///   id               TEXT PRIMARY KEY  a UUID, kept across receives and redrives
///   body             TEXT              as sent
///   sent_at          REAL              when first sent; with rowid it orders receives oldest first
///   visible_at       REAL              receivable once visible_at <= now; a receive sets now + visibility timeout
///   receive_count    INTEGER           receives so far
///   receipt_handle   TEXT NULL         the latest receive's handle (NULL before the first); each receive writes a new
///                                      UUID, so an earlier handle no longer deletes or extends the message, as on SQS
/// dead_letter      messages a receive would have taken past maxReceiveCount (SQS's redrive policy)
///   id, body, sent_at, receive_count   as they were in `message`
///   dead_lettered_at REAL              when the message was moved here
/// ```
///
/// A message lives in exactly one table; a move is a delete and an insert in one transaction. Times are seconds
/// since 1970 as REAL, so visibility is plain SQL arithmetic and comparison. Append migrations; never edit one
/// that has shipped.
enum LocalQueueSchema {
    /// The migrations, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: message, dead_letter") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message (
                        id TEXT PRIMARY KEY NOT NULL,
                        body TEXT NOT NULL,
                        sent_at REAL NOT NULL,
                        visible_at REAL NOT NULL,
                        receive_count INTEGER NOT NULL DEFAULT 0,
                        receipt_handle TEXT
                    );
                    CREATE INDEX message_visible_at ON message (visible_at);
                    CREATE TABLE dead_letter (
                        id TEXT PRIMARY KEY NOT NULL,
                        body TEXT NOT NULL,
                        sent_at REAL NOT NULL,
                        receive_count INTEGER NOT NULL,
                        dead_lettered_at REAL NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// Applies the migrations `pool` lacks, tolerating another process that applies the same ones at the same moment.
    static func migrate(_ pool: DatabasePool) throws {
        do {
            try migrator.migrate(pool)
        } catch {
            // GRDB reads the applied migrations before it opens the migration's transaction, so two processes that
            // open a new file together may both run the first one; the second fails on the table the first made.
            // Trying again reads the migration as applied and does nothing; a real failure fails again and is thrown.
            try migrator.migrate(pool)
        }
    }
}
