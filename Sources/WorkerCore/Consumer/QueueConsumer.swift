import Foundation
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
        /// The hidden messages were counted, or the count failed.
        case hiddenCounted(Result<HiddenMessages, WorkerError>)
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

    /// Receives and handles messages until graceful shutdown or cancellation, then drains. With `stopsWhenIdle`, throws
    /// `queueNotDrained` when messages stayed hidden for the whole idle wait.
    ///
    /// One event loop: `ConsumerState` decides, this loop carries its actions out as child tasks and feeds their
    /// results back. A receive runs whenever a slot is free, each message is handled as its own task and frees its slot
    /// when done (so one slow message never holds back the next receive), and handled messages are settled in batches
    /// (`SettlementBatch`) — when a batch is full, when nothing else is in flight, or after `settleDelay`.
    package func run() async throws {
        let settler = MessageSettler(queue: queue, logger: logger)
        var notDrained: HiddenMessages?
        await withTaskGroup(of: Event.self) { group in
            // Wakes the loop as soon as shutdown is requested, so a busy worker starts draining at once.
            group.addTask {
                try? await gracefulShutdown()
                return .shutdownRequested
            }
            var state = ConsumerState(
                maxInFlight: settings.maxInFlight(imagingThreads: handler.processor.pipeline.pool.threadCount),
                batchSize: settings.batchSize, stopsWhenIdle: settings.stopsWhenIdle,
                maxIdleWait: settings.maxIdleWait ?? settings.visibilityTimeout)
            var batch = SettlementBatch(capacity: settings.batchSize)

            func send(_ entries: [SettlementBatch.Entry]) {
                guard !entries.isEmpty else { return }
                group.addTask {
                    // Settling must happen even when the loop was cancelled at the drain timeout, or released
                    // messages would stay hidden for the whole visibility timeout: an unstructured task does not
                    // inherit the cancellation.
                    await Task { await settler.settle(entries) }.value
                    return .settled
                }
            }
            func perform(_ actions: [ConsumerState.Action]) {
                for action in actions {
                    switch action {
                    case .receive(let capacity, let pause):
                        group.addTask { await receive(capacity: capacity, after: pause) }
                    case .handle(let messages):
                        for message in messages {
                            group.addTask { .handled(message, await handler.handle(message, logger: logger)) }
                        }
                    case .release(let messages):
                        send(messages.map { ($0, .release) })
                    case .checkHidden:
                        group.addTask {
                            do throws(WorkerError) {
                                let hidden = try await queue.hiddenMessages()
                                // A message that turned visible since the empty receive (a backoff ran out) is
                                // counted too: the queue is idle only with none visible and none hidden.
                                let visible = try await queue.approximateDepth()
                                return .hiddenCounted(
                                    .success(
                                        HiddenMessages(
                                            count: hidden.count + visible, nextVisibleAt: hidden.nextVisibleAt)))
                            } catch {
                                return .hiddenCounted(.failure(error))
                            }
                        }
                    case .reportIdle:
                        logger.info("the queue is drained; stopping")
                    case .giveUp(let hidden):
                        notDrained = hidden
                    case .startDrainTimer(let inFlight):
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
                    case .cancelJobs(let inFlight):
                        logger.warning(
                            "drain timeout reached; releasing unfinished messages",
                            metadata: ["thumb.in_flight": "\(inFlight)"])
                        // Handlers release their messages when cancelled; settling is shielded from the cancellation.
                        group.cancelAll()
                    case .finish:
                        // Settle the rest, then end the shutdown watcher and the timers.
                        send(batch.takeAll())
                        group.cancelAll()
                    }
                }
            }
            func beginShutdown() {
                if state.phase == .consuming && state.receiving && queue.abandonedReceiveMayHideMessages {
                    logger.info(
                        "letting the current long poll finish",
                        metadata: ["thumb.wait.seconds": "\(settings.wait.components.seconds)"])
                }
                perform(state.shutdownRequested())
            }

            perform(state.start())
            while let event = await group.next() {
                if Task.isShuttingDownGracefully || Task.isCancelled {
                    beginShutdown()
                }
                switch event {
                case .received(let messages, let duration):
                    if state.phase == .consuming && !messages.isEmpty {
                        handler.metrics.record(.receive, duration)
                    }
                    perform(state.received(messages))
                case .receiveFailed(let error):
                    let consuming = state.phase == .consuming
                    let actions = state.receiveFailed()
                    if consuming {
                        logger.error(
                            "cannot receive from the queue; trying again",
                            metadata: [
                                "thumb.error": "\(error)",
                                "thumb.retry.seconds": "\(state.receivePause.components.seconds)",
                            ])
                    }
                    perform(actions)
                case .handled(let message, let disposition):
                    let actions = state.handled()
                    switch batch.add((message, disposition), nothingElseInFlight: state.inFlight == 0) {
                    case .send(let entries):
                        send(entries)
                    case .startTimer:
                        group.addTask {
                            try? await Task.sleep(for: Self.settleDelay)
                            return .settleDue
                        }
                    case .wait:
                        break
                    }
                    perform(actions)
                case .hiddenCounted(let counted):
                    if case .failure(let error) = counted {
                        logger.warning(
                            "cannot count the hidden messages; receiving again", metadata: ["thumb.error": "\(error)"])
                    } else if case .success(let hidden) = counted, hidden.count > 0 {
                        logger.info(
                            "the queue is empty but messages are hidden; waiting for them",
                            metadata: ["thumb.hidden": "\(hidden.count)"])
                    }
                    perform(state.hiddenCounted(try? counted.get(), at: .now))
                case .settleDue:
                    send(batch.timerFired())
                case .settled:
                    break
                case .shutdownRequested:
                    beginShutdown()
                case .drainTimeoutReached:
                    perform(state.drainTimeoutReached())
                }
            }
        }
        logger.info("consumer stopped")
        if let notDrained {
            throw Self.notDrainedError(notDrained, waited: settings.maxIdleWait ?? settings.visibilityTimeout)
        }
    }

    /// Why an idle consumer stopped with messages still in the queue, and when to look again.
    private static func notDrainedError(_ hidden: HiddenMessages, waited: Duration) -> WorkerError {
        let next = hidden.nextVisibleAt.map { "; the next becomes visible at \($0.formatted(.iso8601))" } ?? ""
        return WorkerError(
            .queueNotDrained,
            "\(hidden.count) \(hidden.count == 1 ? "message is" : "messages are") still hidden after waiting "
                + "\(waited.components.seconds) s (--max-idle-wait): in flight at another worker, held by one that died "
                + "(back after the visibility timeout) or backed off after a transient failure (up to "
                + "queue.retry_max_seconds)\(next)")
    }

    /// The wait of each receive: the long poll of the settings; but a consumer that stops when idle, on a queue whose
    /// empty receives are exact, looks again every `idleDrainWait` instead, so that a drained queue ends the run at once
    /// rather than after a last long poll (hidden messages are still waited for, one short look at a time).
    package var receiveWait: Duration {
        settings.stopsWhenIdle && queue.emptyReceiveIsExact ? min(settings.wait, Self.idleDrainWait) : settings.wait
    }

    /// How long one receive of a consumer draining an exact queue waits.
    package static let idleDrainWait = Duration.milliseconds(100)

    /// One receive, after `pause` when receives have been failing; what it brings, or why it failed.
    private func receive(capacity: Int, after pause: Duration?) async -> Event {
        // Shutdown may have begun since the state asked for this receive: a long poll now would only hide messages.
        if Task.isShuttingDownGracefully { return .received([], .zero) }
        if let pause {
            // SIGTERM must not wait out the pause: a worker whose queue is down still stops at once.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            if Task.isShuttingDownGracefully { return .received([], .zero) }
        }
        let start = ContinuousClock.now
        let wait = receiveWait
        let receive = { @Sendable in
            try await queue.receive(maxMessages: capacity, wait: wait, visibilityTimeout: settings.visibilityTimeout)
        }
        do {
            // An SQS long poll is let finish on shutdown (what it brings is released at once): cancelled, it could
            // still take a message on the server and hide it for the visibility timeout.
            let messages =
                queue.abandonedReceiveMayHideMessages
                ? try await receive() : try await cancelWhenGracefulShutdown(receive)
            return .received(messages, ContinuousClock.now - start)
        } catch {
            return .receiveFailed(error)
        }
    }
}
