/// The consumer's bookkeeping and decisions, apart from its effects: told what happened, it says what to do next.
///
/// Phases: `consuming` (receive whenever a slot is free), `draining` (after graceful shutdown, or when the queue is
/// drained with `stopsWhenIdle`: no more receives, in-flight jobs finish or are cancelled at the drain timeout) and
/// `finished` (everything handled; the loop settles what is left and ends).
struct ConsumerState {
    /// Where the consumer is in its life.
    enum Phase: Sendable, Hashable {
        /// Receiving and handling.
        case consuming
        /// No more receives; waiting for the jobs in flight.
        case draining
        /// Nothing in flight and no receive under way.
        case finished
    }

    /// What the consumer should do.
    enum Action: Sendable, Hashable {
        /// Ask the queue for up to `capacity` messages, after `pause` when receives have been failing.
        case receive(capacity: Int, pause: Duration?)
        /// Handle each of these messages as its own task.
        case handle([QueueMessage])
        /// Give these messages back at once: they arrived as shutdown began.
        case release([QueueMessage])
        /// With `stopsWhenIdle`, the queue came back empty with nothing in flight: ask how many messages are hidden.
        case checkHidden
        /// No message is visible or hidden, and the consumer stops when idle.
        case reportIdle
        /// Messages stayed hidden for the whole idle wait: stop, and say the queue is not drained.
        case giveUp(HiddenMessages)
        /// Shutdown began with jobs in flight or a receive under way: start the drain timer.
        case startDrainTimer(inFlight: Int)
        /// The drain timer ran out: cancel the jobs still running, which release their messages, and the receive under
        /// way (a queue that does not answer must not hold the process past the drain timeout).
        case cancelJobs(inFlight: Int)
        /// Everything is handled: settle what is left and end the loop.
        case finish
    }

    /// Messages held at once.
    let maxInFlight: Int
    /// Messages asked for per receive.
    let batchSize: Int
    /// Whether an empty receive with nothing in flight and nothing hidden ends the consumer.
    let stopsWhenIdle: Bool
    /// With `stopsWhenIdle`: how long hidden messages are waited for before giving up.
    let maxIdleWait: Duration
    /// Where the consumer is in its life.
    private(set) var phase = Phase.consuming
    /// Messages being handled.
    private(set) var inFlight = 0
    /// Whether a receive is under way.
    private(set) var receiving = false
    /// Receives that failed in a row.
    private(set) var failedReceives = 0
    /// With `stopsWhenIdle`: the last receive was empty, so wait for a job to finish before asking again.
    private var awaitingWork = false
    /// With `stopsWhenIdle`: whether the hidden messages are being counted.
    private(set) var checkingHidden = false
    /// With `stopsWhenIdle`: when the queue was first found empty but for hidden messages.
    private var idleSince: ContinuousClock.Instant?

    /// A consumer state before anything happened.
    init(maxInFlight: Int, batchSize: Int, stopsWhenIdle: Bool, maxIdleWait: Duration = .zero) {
        self.maxInFlight = max(1, maxInFlight)
        self.batchSize = max(1, batchSize)
        self.stopsWhenIdle = stopsWhenIdle
        self.maxIdleWait = maxIdleWait
    }

    /// The pause before the next receive after failed ones: 2, 4, 8, 16, then 30 s.
    var receivePause: Duration { .seconds(min(30, 1 << min(failedReceives, 5))) }

    /// The consumer starts: receive.
    mutating func start() -> [Action] {
        next()
    }

    /// A receive came back with `messages`.
    mutating func received(_ messages: [QueueMessage]) -> [Action] {
        receiving = false
        failedReceives = 0
        guard phase == .consuming else {
            return (messages.isEmpty ? [] : [.release(messages)]) + next()
        }
        if messages.isEmpty {
            guard stopsWhenIdle else { return next() }
            if inFlight == 0 {
                checkingHidden = true
                return [.checkHidden]
            }
            awaitingWork = true
            return next()
        }
        idleSince = nil
        inFlight += messages.count
        return [.handle(messages)] + next()
    }

    /// The hidden messages were counted at `now` (nil: the count failed, so receive again and ask later).
    mutating func hiddenCounted(_ hidden: HiddenMessages?, at now: ContinuousClock.Instant) -> [Action] {
        checkingHidden = false
        guard phase == .consuming, let hidden else { return next() }
        if hidden.count == 0 {
            return [.reportIdle] + beginDraining()
        }
        let since = idleSince ?? now
        idleSince = since
        if now - since >= maxIdleWait {
            return [.giveUp(hidden)] + beginDraining()
        }
        return next()
    }

    /// A receive failed.
    mutating func receiveFailed() -> [Action] {
        receiving = false
        if phase == .consuming {
            failedReceives += 1
        }
        return next()
    }

    /// One message's jobs ran.
    mutating func handled() -> [Action] {
        inFlight -= 1
        awaitingWork = false
        return next()
    }

    /// Graceful shutdown (or cancellation) began; asking again changes nothing.
    mutating func shutdownRequested() -> [Action] {
        guard phase == .consuming else { return [] }
        return beginDraining()
    }

    /// The drain timeout ran out.
    mutating func drainTimeoutReached() -> [Action] {
        phase == .draining && (inFlight > 0 || receiving) ? [.cancelJobs(inFlight: inFlight)] : []
    }

    private mutating func beginDraining() -> [Action] {
        phase = .draining
        return (inFlight > 0 || receiving ? [.startDrainTimer(inFlight: inFlight)] : []) + next()
    }

    /// What follows from the state as it is now: the next receive, or the end.
    private mutating func next() -> [Action] {
        switch phase {
        case .consuming:
            guard !receiving, !checkingHidden, !awaitingWork, inFlight < maxInFlight else { return [] }
            receiving = true
            return [
                .receive(
                    capacity: min(batchSize, maxInFlight - inFlight), pause: failedReceives == 0 ? nil : receivePause)
            ]
        case .draining:
            guard inFlight == 0, !receiving, !checkingHidden else { return [] }
            phase = .finished
            return [.finish]
        case .finished:
            return []
        }
    }
}
