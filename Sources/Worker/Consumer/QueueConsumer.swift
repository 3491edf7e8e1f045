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
        /// A batch of this many messages was settled.
        case finished(Int)
        /// SIGTERM or SIGINT arrived (graceful shutdown).
        case shutdownRequested
        /// The drain timeout ran out.
        case drainTimeoutReached
    }

    /// Receives and handles messages until graceful shutdown or cancellation, then drains.
    package func run() async throws {
        await withTaskGroup(of: Event.self) { group in
            // Wakes every wait below as soon as shutdown is requested, so a busy worker starts draining at once.
            group.addTask {
                try? await gracefulShutdown()
                return .shutdownRequested
            }
            var inFlight = 0
            var stopping = false
            var failedReceives = 0
            func absorb(_ event: Event) {
                switch event {
                case .finished(let count): inFlight -= count
                case .shutdownRequested: stopping = true
                case .drainTimeoutReached: break
                }
            }
            while !stopping && !Task.isShuttingDownGracefully && !Task.isCancelled {
                while inFlight >= settings.maxInFlight && !stopping, let event = await group.next() {
                    absorb(event)
                }
                if stopping { break }
                let capacity = min(settings.batchSize, settings.maxInFlight - inFlight)
                let messages: [QueueMessage]
                let receiveStart = ContinuousClock.now
                do {
                    messages = try await cancelWhenGracefulShutdown {
                        try await queue.receive(maxMessages: capacity, wait: settings.wait,
                                                visibilityTimeout: settings.visibilityTimeout)
                    }
                    failedReceives = 0
                    if !messages.isEmpty {
                        handler.metrics.record(.receive, ContinuousClock.now - receiveStart)
                    }
                } catch {
                    if Task.isShuttingDownGracefully || Task.isCancelled { break }
                    failedReceives += 1
                    let pause = Duration.seconds(min(30, 1 << min(failedReceives, 5)))
                    logger.error("cannot receive from the queue; trying again",
                                 metadata: ["thumb.error": "\(error)", "thumb.retry.seconds": "\(pause.components.seconds)"])
                    // SIGTERM must not wait out the pause: a worker whose queue is down still stops at once.
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                    continue
                }
                guard !messages.isEmpty else {
                    if settings.stopsWhenIdle && inFlight == 0 {
                        logger.info("the queue is drained; stopping")
                        break
                    }
                    if settings.stopsWhenIdle, let event = await group.next() {
                        absorb(event)
                    }
                    continue
                }
                group.addTask { .finished(await handleBatch(messages)) }
                inFlight += messages.count
            }
            if inFlight > 0 {
                logger.info("draining", metadata: ["thumb.in_flight": "\(inFlight)", "thumb.drain.seconds": "\(settings.drainTimeout.components.seconds)"])
                let drainTimeout = settings.drainTimeout
                group.addTask {
                    try? await Task.sleep(for: drainTimeout)
                    return .drainTimeoutReached
                }
                while inFlight > 0, let event = await group.next() {
                    if case .drainTimeoutReached = event {
                        logger.warning("drain timeout reached; releasing unfinished messages", metadata: ["thumb.in_flight": "\(inFlight)"])
                        group.cancelAll()
                    }
                    absorb(event)
                }
            }
            // Ends the shutdown watcher and the drain timer.
            group.cancelAll()
        }
        logger.info("consumer stopped")
    }

    /// Handles a received batch side by side, then deletes the finished messages with one batch call.
    private func handleBatch(_ messages: [QueueMessage]) async -> Int {
        let outcomes = await withTaskGroup(of: (QueueMessage, MessageHandler.Disposition).self) { group in
            for message in messages {
                group.addTask { (message, await handler.handle(message, logger: logger)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let finished = outcomes.filter { $0.1 == .delete }.map(\.0)
        // Settling must happen even when this task was cancelled at the drain timeout, or released messages would
        // stay hidden for the whole visibility timeout: an unstructured task does not inherit the cancellation.
        await Task {
            await settle(finished: finished, others: outcomes.filter { $0.1 != .delete })
        }.value
        return messages.count
    }

    private func settle(finished: [QueueMessage], others: [(QueueMessage, MessageHandler.Disposition)]) async {
        if !finished.isEmpty {
            do {
                for failure in try await queue.delete(finished) {
                    logger.error("the queue refused to delete a message; it will be delivered again",
                                 metadata: ["thumb.message.id": "\(failure.messageID)", "thumb.error": "\(failure.reason)"])
                }
            } catch {
                logger.error("cannot delete messages; they will be delivered again", metadata: ["thumb.error": "\(error)"])
            }
        }
        for (message, disposition) in others {
            let timeout: Duration
            switch disposition {
            case .retryLater(let delay): timeout = delay
            case .release: timeout = .zero
            case .leaveForDeadLetter, .delete: continue
            }
            do {
                try await queue.changeVisibility(message, timeout: timeout)
            } catch {
                logger.warning("cannot change the message's visibility; it returns after the visibility timeout",
                               metadata: ["thumb.message.id": "\(message.id)", "thumb.error": "\(error)"])
            }
        }
    }
}
