import Imaging
package import Logging
import ServiceLifecycle

/// A fleet member: long-polls the queue, runs a bounded number of messages at once, deletes them in batches, and
/// on graceful shutdown stops receiving, lets in-flight work finish within the drain timeout and releases the rest.
///
/// Nothing here assumes the process is alone: any number of consumers, on any number of machines, share a queue.
package struct QueueConsumer: Service, CustomStringConvertible {
    /// The queue.
    package var queue: any MessageQueue
    /// Handles each message.
    package var handler: MessageHandler
    /// Batch size, waits, timeouts.
    package var settings: ConsumerSettings
    /// Where progress and problems are logged.
    package var logger: Logger

    /// Creates a consumer.
    package init(queue: any MessageQueue, handler: MessageHandler, settings: ConsumerSettings, logger: Logger) {
        self.queue = queue
        self.handler = handler
        self.settings = settings
        self.logger = logger
    }

    /// A short name for logs and errors (the full value holds the configuration, which may hold secrets).
    package var description: String { "QueueConsumer" }

    /// What the consumer's child tasks report.
    private enum Event: Sendable {
        /// A receive came back with these messages after this long.
        case received([QueueMessage], Duration)
        /// A receive failed.
        case receiveFailed(any Error)
        /// One message's jobs ran; this is what should happen to it.
        case handled(QueueMessage, MessageHandler.Disposition)
        /// The oldest unsettled message has waited long enough for companions to share its batch call.
        case settleDue
        /// A batch of deletes and visibility changes was sent.
        case settled
        /// SIGTERM or SIGINT arrived (graceful shutdown).
        case shutdownRequested
        /// The drain timeout ran out.
        case drainTimeoutReached
    }

    /// How long a handled message may wait for others to share its DeleteMessageBatch call.
    private static let settleDelay = Duration.milliseconds(250)

    /// Receives and handles messages until graceful shutdown or cancellation, then drains.
    ///
    /// One event loop: a receive runs whenever a slot is free, each message is handled as its own child task and frees
    /// its slot when done (so one slow message never holds back the next receive), and handled messages are settled in
    /// batches — when a batch is full, when nothing else is in flight, or after `settleDelay`.
    package func run() async throws {
        await withTaskGroup(of: Event.self) { group in
            // Wakes the loop as soon as shutdown is requested, so a busy worker starts draining at once.
            group.addTask {
                try? await gracefulShutdown()
                return .shutdownRequested
            }
            let maxInFlight = settings.maxInFlight(imagingThreads: handler.processor.pipeline.pool.threadCount)
            var inFlight = 0
            var receiving = false
            var stopping = false
            var finishing = false
            var failedReceives = 0
            // With --exit-when-idle: the last receive was empty, so wait for a job to finish before asking again.
            var awaitingWork = false
            var unsettled: [(QueueMessage, MessageHandler.Disposition)] = []
            var settleTimerRunning = false

            func settleUnsettled() {
                guard !unsettled.isEmpty else { return }
                let batch = unsettled
                unsettled = []
                group.addTask {
                    // Settling must happen even when the loop was cancelled at the drain timeout, or released
                    // messages would stay hidden for the whole visibility timeout: an unstructured task does not
                    // inherit the cancellation.
                    await Task { await settle(batch) }.value
                    return .settled
                }
            }
            // After failed receives: 2, 4, 8, 16, then 30 s.
            func receivePause() -> Duration { .seconds(min(30, 1 << min(failedReceives, 5))) }
            func receiveIfPossible() {
                guard !stopping, !Task.isShuttingDownGracefully, !receiving, !awaitingWork, inFlight < maxInFlight
                else {
                    return
                }
                receiving = true
                let capacity = min(settings.batchSize, maxInFlight - inFlight)
                let pause = failedReceives == 0 ? nil : receivePause()
                group.addTask {
                    if let pause {
                        // SIGTERM must not wait out the pause: a worker whose queue is down still stops at once.
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                        if Task.isShuttingDownGracefully { return .received([], .zero) }
                    }
                    let start = ContinuousClock.now
                    let receive = { @Sendable in
                        try await queue.receive(
                            maxMessages: capacity, wait: settings.wait,
                            visibilityTimeout: settings.visibilityTimeout)
                    }
                    do {
                        // An SQS long poll is let finish on shutdown (what it brings is released at once): cancelled,
                        // it could still take a message on the server and hide it for the visibility timeout.
                        let messages =
                            queue.abandonedReceiveMayHideMessages
                            ? try await receive() : try await cancelWhenGracefulShutdown(receive)
                        return .received(messages, ContinuousClock.now - start)
                    } catch {
                        return .receiveFailed(error)
                    }
                }
            }
            func beginShutdown() {
                guard !stopping else { return }
                stopping = true
                if receiving && queue.abandonedReceiveMayHideMessages {
                    logger.info(
                        "letting the current long poll finish",
                        metadata: ["thumb.wait.seconds": "\(settings.wait.components.seconds)"])
                }
                if inFlight > 0 {
                    logger.info(
                        "draining",
                        metadata: [
                            "thumb.in_flight": "\(inFlight)",
                            "thumb.drain.seconds": "\(settings.drainTimeout.components.seconds)",
                        ])
                    let drainTimeout = settings.drainTimeout
                    group.addTask {
                        try? await Task.sleep(for: drainTimeout)
                        return .drainTimeoutReached
                    }
                }
            }

            receiveIfPossible()
            while let event = await group.next() {
                switch event {
                case .received(let messages, let duration):
                    receiving = false
                    failedReceives = 0
                    if stopping || Task.isShuttingDownGracefully || Task.isCancelled {
                        // The poll ended as shutdown began: hand its messages straight back.
                        unsettled += messages.map { ($0, .release) }
                        settleUnsettled()
                        beginShutdown()
                        break
                    }
                    if messages.isEmpty {
                        if settings.stopsWhenIdle && inFlight == 0 {
                            logger.info("the queue is drained; stopping")
                            beginShutdown()
                        } else if settings.stopsWhenIdle {
                            awaitingWork = true
                        }
                        break
                    }
                    handler.metrics.record(.receive, duration)
                    for message in messages {
                        inFlight += 1
                        group.addTask { .handled(message, await handler.handle(message, logger: logger)) }
                    }
                case .receiveFailed(let error):
                    receiving = false
                    if Task.isShuttingDownGracefully || Task.isCancelled {
                        beginShutdown()
                        break
                    }
                    failedReceives += 1
                    logger.error(
                        "cannot receive from the queue; trying again",
                        metadata: [
                            "thumb.error": "\(error)", "thumb.retry.seconds": "\(receivePause().components.seconds)",
                        ])
                case .handled(let message, let disposition):
                    inFlight -= 1
                    awaitingWork = false
                    unsettled.append((message, disposition))
                    if unsettled.count >= settings.batchSize || inFlight == 0 {
                        settleUnsettled()
                    } else if !settleTimerRunning {
                        settleTimerRunning = true
                        group.addTask {
                            try? await Task.sleep(for: Self.settleDelay)
                            return .settleDue
                        }
                    }
                case .settleDue:
                    settleTimerRunning = false
                    settleUnsettled()
                case .settled:
                    break
                case .shutdownRequested:
                    beginShutdown()
                case .drainTimeoutReached:
                    if inFlight > 0 {
                        logger.warning(
                            "drain timeout reached; releasing unfinished messages",
                            metadata: ["thumb.in_flight": "\(inFlight)"])
                        // Handlers release their messages when cancelled; settling is shielded from the cancellation.
                        group.cancelAll()
                    }
                }
                if Task.isCancelled && !stopping {
                    beginShutdown()
                }
                if stopping && inFlight == 0 && !receiving && !finishing {
                    // Everything is handled: settle the rest, then end the watcher and the timers.
                    finishing = true
                    settleUnsettled()
                    group.cancelAll()
                }
                receiveIfPossible()
            }
        }
        logger.info("consumer stopped")
    }

    /// Deletes the finished messages with one batch call and changes the others' visibility as their dispositions say.
    private func settle(_ batch: [(QueueMessage, MessageHandler.Disposition)]) async {
        let finished = batch.filter { $0.1 == .delete }.map(\.0)
        if !finished.isEmpty {
            do {
                for failure in try await queue.delete(finished) {
                    logger.error(
                        "the queue refused to delete a message; it will be delivered again",
                        metadata: ["thumb.message.id": "\(failure.messageID)", "thumb.error": "\(failure.reason)"])
                }
            } catch {
                logger.error(
                    "cannot delete messages; they will be delivered again", metadata: ["thumb.error": "\(error)"])
            }
        }
        let changes = batch.compactMap { message, disposition -> (message: QueueMessage, timeout: Duration)? in
            switch disposition {
            case .retryLater(let delay): (message, delay)
            case .release: (message, .zero)
            case .leaveForDeadLetter, .delete: nil
            }
        }
        guard !changes.isEmpty else { return }
        do {
            for failure in try await queue.changeVisibility(changes) {
                logger.warning(
                    "cannot change the message's visibility; it returns after the visibility timeout",
                    metadata: ["thumb.message.id": "\(failure.messageID)", "thumb.error": "\(failure.reason)"])
            }
        } catch {
            logger.warning(
                "cannot change the messages' visibility; they return after the visibility timeout",
                metadata: ["thumb.error": "\(error)"])
        }
    }
}
