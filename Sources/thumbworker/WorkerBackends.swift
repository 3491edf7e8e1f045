import LocalBackend
import Logging
import WorkerAWS
import WorkerCore

/// The queue and the object store the configuration names: SQS and S3 when `queue.url` is set, else the embedded
/// local backends (a SQLite queue and folders as buckets).
struct WorkerBackends: Sendable {
    /// The AWS connection, when the backends are AWS; shut it down when done.
    let connection: AWSConnection?
    /// The queue of upload events.
    let queue: any MessageQueue
    /// Where originals and thumbnails are.
    let store: any ObjectStore

    /// Opens the backends; configuration problems (missing region, unreadable queue file) are thrown, nothing leaks.
    init(configuration: WorkerConfiguration, environment: [String: String], logger: Logger) async throws {
        let connection =
            configuration.queue.url == nil
            ? nil : try AWSConnection(settings: configuration.aws, environment: environment, logger: logger)
        do {
            if let url = configuration.queue.url, let connection {
                queue = try connection.messageQueue(url: url, logger: logger)
            } else {
                queue = try SQLiteMessageQueue(settings: configuration.queue)
            }
            store =
                try connection?.objectStore(logger: logger) ?? LocalFolderStore(root: configuration.storage.localRoot)
        } catch {
            await connection?.shutdown()
            throw error
        }
        self.connection = connection
    }

    /// Closes the AWS connection, if any.
    func shutdown() async {
        await connection?.shutdown()
    }
}
