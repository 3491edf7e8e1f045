/// How the queue consumer receives, paces and retries.
package struct ConsumerSettings: Sendable, Hashable {
    /// What to do with a message whose upload failed permanently (corrupt image, over limits).
    package enum PermanentFailurePolicy: String, Sendable, Hashable, CaseIterable {
        /// Notify `thumbnails.failed`, then delete the message.
        case delete
        /// Notify `thumbnails.failed`, then leave the message for the dead-letter queue.
        case deadLetter = "dead-letter"
    }

    /// Messages asked for per receive (1–10).
    package var batchSize = 10
    /// Long-poll wait per receive.
    package var wait: Duration = .seconds(20)
    /// How long a received message stays hidden; extended by the heartbeat while its job runs.
    package var visibilityTimeout: Duration = .seconds(120)
    /// Messages held at once (`queue.max_in_flight`); 0 means twice the imaging threads, so downloads, uploads and
    /// notifications of some jobs overlap with the imaging of others. The imaging pool bounds how many of their
    /// images are decoded at the same time.
    package var maxInFlight = 0
    /// How long in-flight jobs may finish after SIGTERM before they are released; keep it below the visibility timeout.
    package var drainTimeout: Duration = .seconds(60)
    /// Receives after which the queue dead-letters a message (`MessageQueue.maxReceiveCount`, read at start); a
    /// transient failure on that last receive is notified as `thumbnails.failed`, retryable, before it goes. Nil: the
    /// queue has no dead-letter queue.
    package var deadLetterAfterReceives: Int?
    /// The first retry delay; each further receive doubles it.
    package var retryBaseDelay: Duration = .seconds(10)
    /// The longest retry delay.
    package var retryMaxDelay: Duration = .seconds(900)
    /// What happens after a permanent failure is notified.
    package var permanentFailures: PermanentFailurePolicy = .delete
    /// Stop once a receive comes back empty with nothing in flight and no message hidden (the local demo's and batch
    /// runs' "exit when drained").
    package var stopsWhenIdle = false
    /// With `stopsWhenIdle`: how long to wait for hidden messages (in flight at other workers, held by a dead one, backed
    /// off) to come back before giving up; nil waits the visibility timeout.
    package var maxIdleWait: Duration?

    /// The defaults.
    package init() {}

    /// Messages held at once with `imagingThreads` threads decoding: `maxInFlight`, or twice the threads when it is 0.
    package func maxInFlight(imagingThreads: Int) -> Int {
        maxInFlight > 0 ? maxInFlight : 2 * max(1, imagingThreads)
    }

    /// When the heartbeat extends the visibility: at half the timeout, so one missed beat is not fatal.
    package var heartbeatInterval: Duration { visibilityTimeout / 2 }

    /// The visibility delay before the `receiveCount`-th retry: exponential, capped, with full jitter.
    package func retryDelay(
        afterReceive receiveCount: Int, random: (ClosedRange<Double>) -> Double = Double.random(in:)
    ) -> Duration {
        let exponent = min(max(receiveCount - 1, 0), 20)
        let ceiling = min(retryBaseDelay * (1 << exponent), retryMaxDelay)
        let seconds = Double(ceiling.components.seconds)
        return .seconds(max(1, (seconds / 2 + random(0...1) * seconds / 2).rounded()))
    }
}
