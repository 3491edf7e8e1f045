/// When and after how long a failed call is tried again: a bounded number of attempts, exponential backoff with
/// full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
///
/// Which failures are worth retrying is decided where the error is made (`AWSError.isRetryable`: 5xx, 429,
/// throttling codes, timeouts, dropped connections); the policy only bounds and spaces the attempts.
package struct RetryPolicy: Sendable {
    /// The most attempts for one call, the first included; 1 means never retry.
    package var maxAttempts: Int
    /// The ceiling of the wait before the first retry; it doubles for each later one.
    package var baseDelay: Duration
    /// The highest ceiling a wait can have, however many attempts came before.
    package var maxDelay: Duration
    /// Draws a number in `0...1` that scales the ceiling (full jitter); tests inject a fixed one.
    package var random: @Sendable () -> Double
    /// Waits between attempts; tests inject one that records the wait and returns at once.
    package var sleep: @Sendable (Duration) async throws -> Void

    /// Makes a policy; the defaults are AWS's "standard" retry mode: 3 attempts, waits capped at 20 seconds.
    package init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(20),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    /// The default policy.
    package static let standard = RetryPolicy()

    /// Whether a call that failed with `error` on attempt number `attempt` (1-based) gets another attempt.
    package func shouldRetry(_ error: AWSError, afterAttempt attempt: Int) -> Bool {
        error.isRetryable && attempt < maxAttempts
    }

    /// How long to wait after attempt number `attempt` (1-based) failed: a random share of
    /// `min(maxDelay, baseDelay × 2^(attempt − 1))`.
    package func delay(afterAttempt attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << doublings))
        return ceiling * min(max(random(), 0), 1)
    }
}
