import Foundation
import LocalBackend
import TestSupport

/// A `QueueClock` a test moves by hand: a `ManualClock` counted from a fixed date.
final class ManualQueueClock: QueueClock {
    private let clock = ManualClock()
    private let start: Date

    /// A clock stopped at `now` until the test advances it.
    init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        start = now
    }

    /// The time the test has moved the clock to.
    var now: Date { start + clock.now.offset / .seconds(1) }

    /// Moves the time forward and wakes the sleepers whose deadline it reaches.
    func advance(by seconds: TimeInterval) {
        clock.advance(by: .seconds(seconds))
    }

    /// Suspends until `advance` reaches `now + duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// Returns once some task sleeps on this clock, e.g. a long poll that found nothing.
    func waitForSleeper() async {
        await clock.waitForSleeper()
    }
}
