import ArgumentParser
import Foundation
import LocalBackend
import WorkerCore

/// The configuration and its local queue, for the commands that work on the embedded local backend only.
struct LocalQueueAccess {
    /// The effective configuration.
    let configuration: WorkerConfiguration
    /// The SQLite queue at `queue.local_path`.
    let queue: SQLiteMessageQueue

    /// Loads the configuration and opens its local queue. Prints the problem and exits 2 when either fails, or when
    /// `queue.url` is set, printing `sqsAdvice` (what to do with SQS instead).
    static func open(config: String?, sqsAdvice: String) throws -> LocalQueueAccess {
        do {
            let configuration = try WorkerConfiguration.load(
                orDefaultAt: config, environment: ProcessInfo.processInfo.environment)
            guard configuration.queue.url == nil else {
                Terminal.standardError("thumbworker: \(sqsAdvice)")
                throw ExitCode(2)
            }
            return LocalQueueAccess(
                configuration: configuration, queue: try SQLiteMessageQueue(settings: configuration.queue))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
    }
}
