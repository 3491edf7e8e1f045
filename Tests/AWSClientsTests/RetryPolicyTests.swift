import AWSClients
import Testing

/// How the retry policy bounds and spaces attempts, with its random draw fixed.
struct RetryPolicyTests {
    /// A 4-attempt policy, 100 ms base, 500 ms cap, whose draw is always `random`.
    static func policy(random: Double) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: 4,
            baseDelay: .milliseconds(100),
            maxDelay: .milliseconds(500),
            random: { random },
            sleep: { _ in }
        )
    }

    /// A 503, which the policy may retry.
    static let retryable = AWSError(
        .service, "HTTP 503", serviceCode: "ServiceUnavailable", statusCode: 503, retryable: true)
    /// A 404, which the policy never retries.
    static let permanent = AWSError(.service, "HTTP 404", serviceCode: "NoSuchKey", statusCode: 404, retryable: false)

    @Test("the wait ceiling doubles per attempt and stops at the maximum")
    func ceilingDoublesUpToMaximum() {
        let policy = Self.policy(random: 1)
        #expect(
            (1...5).map { policy.delay(afterAttempt: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500),
            ]
        )
    }

    @Test(
        "full jitter scales the ceiling by the random draw",
        arguments: [(0.0, Duration.zero), (0.5, .milliseconds(200)), (0.25, .milliseconds(100))]
    )
    func jitterScalesCeiling(random: Double, expected: Duration) {
        #expect(Self.policy(random: random).delay(afterAttempt: 3) == expected)
    }

    @Test("a draw outside 0...1 is clamped")
    func drawIsClamped() {
        #expect(Self.policy(random: 7).delay(afterAttempt: 1) == .milliseconds(100))
        #expect(Self.policy(random: -1).delay(afterAttempt: 1) == .zero)
    }

    @Test("a huge attempt number does not overflow")
    func hugeAttemptDoesNotOverflow() {
        #expect(Self.policy(random: 1).delay(afterAttempt: 10_000) == .milliseconds(500))
    }

    @Test("retryable errors are retried until the attempts run out")
    func retriesUntilMaxAttempts() {
        let policy = Self.policy(random: 1)
        #expect((1...4).map { policy.shouldRetry(Self.retryable, afterAttempt: $0) } == [true, true, true, false])
    }

    @Test("errors that are not retryable are never retried")
    func permanentErrorsAreNotRetried() {
        #expect(!Self.policy(random: 1).shouldRetry(Self.permanent, afterAttempt: 1))
    }

    @Test("the standard policy makes 3 attempts with waits up to 20 seconds")
    func standardPolicy() {
        #expect(RetryPolicy.standard.maxAttempts == 3)
        #expect(RetryPolicy.standard.maxDelay == .seconds(20))
    }
}
