package import Foundation
package import WorkerCore

/// Where the local queue reads the time and waits between long-poll checks; tests inject one they move by hand.
package protocol QueueClock: Sendable {
    /// The current time, used for visibility deadlines and sent/dead-lettered stamps.
    var now: Date { get }
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}
