import GRDB
import WorkerCore

extension WorkerError {
    /// Maps a failure of the queue database at `path` to a queue error a person can act on; `WorkerError`s pass through.
    ///
    /// SQLite's result codes: https://www.sqlite.org/rescode.html
    init(queueDatabase error: any Error, path: String) {
        if let error = error as? WorkerError {
            self = error
            return
        }
        if error is CancellationError {
            self.init(
                .queueUnavailable, "cancelled before the queue database \(path) answered; the queue is unchanged",
                retryable: true)
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(.queueUnusable, "the queue database \(path) failed: \(error)")
            return
        }
        let sqlite = "(SQLite: \(error.message ?? error.resultCode.description))"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                .queueUnavailable,
                "the queue database \(path) stayed locked longer than the busy timeout: is another program holding a lock on it, e.g. a sqlite3 shell inside a transaction? \(sqlite)",
                retryable: true)
        case .SQLITE_FULL:
            self.init(
                .queueUnavailable,
                "cannot write the queue database \(path): the disk is full; free space on it \(sqlite)", retryable: true
            )
        case .SQLITE_IOERR, .SQLITE_PROTOCOL, .SQLITE_NOMEM, .SQLITE_INTERRUPT, .SQLITE_ABORT:
            self.init(
                .queueUnavailable,
                "the queue database \(path) could not be read or written: is the disk full or gone, or is the file on a network share (SQLite's WAL mode needs a local disk)? \(sqlite)",
                retryable: true)
        case .SQLITE_CANTOPEN:
            self.init(
                .queueUnusable,
                "cannot open the queue database \(path): check that its folder exists and that this user may create files in it (\(path)-wal and \(path)-shm too) \(sqlite)"
            )
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                .queueUnusable,
                "the queue database \(path) is read-only for this user: it must be able to write the file and its folder (for \(path)-wal and \(path)-shm) \(sqlite)"
            )
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self.init(
                .queueUnusable,
                "\(path) is not a queue database or is damaged: move it away and a new, empty queue is created there on the next start \(sqlite)"
            )
        default:
            self.init(
                .queueUnusable,
                "the queue database \(path) failed: is the disk full, or is another program holding a lock on it? \(sqlite)"
            )
        }
    }
}
