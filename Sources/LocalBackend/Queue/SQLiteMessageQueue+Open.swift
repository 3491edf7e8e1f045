import Foundation
import GRDB
import WorkerCore

extension SQLiteMessageQueue {
    /// Opens `path` in WAL mode and brings its tables up to date, waiting up to `busyTimeout` for other processes
    /// that are setting up the same new file at the same moment.
    static func openDatabase(path: String, busyTimeout: Duration) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = "thumbworker.queue"
        // SQLite's own busy timeout sleeps 1, 2, 5, 10… ms between tries, while a competing transaction of another
        // worker process holds the write lock for well under a millisecond: the waiter would idle its core. Retry
        // every 100 µs instead, until the timeout.
        let tries = Int(busyTimeout.timeInterval / 0.000_1)
        configuration.busyMode = .callback { numberOfTries in
            guard numberOfTries < tries else { return false }
            usleep(100)
            return true
        }
        let clock = ContinuousClock()
        let deadline = clock.now + busyTimeout
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try LocalQueueSchema.migrate(pool)
                if try pool.read(LocalQueueSchema.migrator.hasBeenSuperseded) {
                    throw WorkerError(
                        .queueUnusable,
                        "the queue database \(path) was written by a newer thumbworker: upgrade this one, or give it another queue file"
                    )
                }
                return pool
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && clock.now < deadline {
                // Turning a new file to WAL mode needs it alone for a moment, and SQLite answers SQLITE_BUSY at once,
                // without the busy timeout, while another process does the same; like the busy timeout, wait and retry.
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
