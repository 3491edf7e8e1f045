package import Foundation
package import WorkerCore

/// The machine's clock: wall-clock time and real sleeping.
package struct SystemQueueClock: QueueClock {
    /// The machine's clock.
    package init() {}

    /// The wall-clock time.
    package var now: Date { Date() }

    /// Sleeps on the continuous clock; cancellation ends the sleep early with `CancellationError`.
    package func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
