package import Logging

/// Handles one queue message: parses its events, runs each upload, notifies, and decides the message's fate.
package struct MessageHandler: Sendable {
    /// What should happen to a message once its jobs have run.
    package enum Disposition: Sendable, Hashable {
        /// Everything is done (or reported as failed): delete it.
        case delete
        /// Something transient failed: hide it for this long, then let it come back.
        case retryLater(Duration)
        /// Release it now, unfinished, for another worker (shutdown).
        case release
        /// Leave it alone so the queue's redrive policy moves it to the dead-letter queue.
        case leaveForDeadLetter
    }

    /// Processes each upload.
    package var processor: UploadProcessor
    /// Where the uploads' originals are read.
    package var sourceStore: any ObjectStore
    /// Receives ready and failed events.
    package var notifier: any Notifier
    /// The queue, for the visibility heartbeat.
    package var queue: any MessageQueue
    /// Timeouts and retry pacing.
    package var settings: ConsumerSettings
    /// Where messages in flight, jobs by result and notification times are recorded.
    package var metrics: WorkerMetrics

    /// Creates a handler.
    package init(
        processor: UploadProcessor, sourceStore: any ObjectStore, notifier: any Notifier, queue: any MessageQueue,
        settings: ConsumerSettings, metrics: WorkerMetrics = .disabled
    ) {
        self.processor = processor
        self.sourceStore = sourceStore
        self.notifier = notifier
        self.queue = queue
        self.settings = settings
        self.metrics = metrics
    }

    /// Runs the message's jobs while keeping it hidden, and returns what to do with it.
    package func handle(_ message: QueueMessage, logger: Logger) async -> Disposition {
        var messageLogger = logger
        messageLogger[metadataKey: "thumb.message.id"] = "\(message.id)"
        messageLogger[metadataKey: "thumb.attempt"] = "\(message.receiveCount)"
        let logger = messageLogger
        metrics.messageStarted()
        defer { metrics.messageFinished() }
        return await withTaskGroup(of: Disposition?.self) { group in
            group.addTask {
                await keepHidden(message, logger: logger)
                return nil
            }
            group.addTask { await run(message, logger: logger) }
            var disposition = Disposition.release
            for await result in group {
                if let result {
                    disposition = result
                    group.cancelAll()
                }
            }
            if Task.isCancelled, case .retryLater = disposition {
                return .release
            }
            return disposition
        }
    }

    private func run(_ message: QueueMessage, logger: Logger) async -> Disposition {
        let content: QueueMessageContent
        do {
            content = try S3EventParser.parse(body: message.body)
        } catch {
            logger.error(
                "the message is not an S3 event; leaving it for the dead-letter queue",
                metadata: ["thumb.error": "\(error.message)"])
            return .leaveForDeadLetter
        }
        for reason in content.skipped {
            logger.info("skipping a record", metadata: ["thumb.reason": "\(reason)"])
        }
        var disposition = Disposition.delete
        for upload in content.jobs {
            let jobLogger = logger.about(bucket: upload.bucket, key: upload.key)
            let outcome = await processor.process(
                upload, in: sourceStore, attempt: message.receiveCount, logger: jobLogger)
            disposition = Self.worse(disposition, await settle(outcome, message: message, logger: jobLogger))
        }
        for removal in content.removals {
            var jobLogger = logger.about(bucket: removal.bucket, key: removal.key)
            jobLogger[metadataKey: "thumb.event"] = "\(removal.eventName)"
            guard processor.deletesOnRemove else {
                jobLogger.info("skipping a removal: thumbnails are kept (destination.delete_on_remove is off)")
                continue
            }
            let outcome = await processor.remove(
                removal, in: sourceStore, attempt: message.receiveCount, logger: jobLogger)
            disposition = Self.worse(disposition, await settle(outcome, message: message, logger: jobLogger))
        }
        return disposition
    }

    /// Notifies for one outcome and says what it means for the message.
    private func settle(_ outcome: JobOutcome, message: QueueMessage, logger: Logger) async -> Disposition {
        metrics.recordJob(outcome)
        switch outcome {
        case .skipped(let reason):
            logger.info("skipped", metadata: ["thumb.reason": "\(reason)"])
            return .delete
        case .retry(var event):
            let delay = settings.retryDelay(afterReceive: message.receiveCount)
            guard let limit = settings.deadLetterAfterReceives, message.receiveCount >= limit else {
                logger.warning(
                    "transient failure; the message will come back",
                    metadata: [
                        "thumb.error.code": "\(event.error?.code ?? "-")",
                        "thumb.error": "\(event.error?.message ?? "-")",
                        "thumb.retry.seconds": "\(delay.components.seconds)",
                    ])
                return .retryLater(delay)
            }
            // The last receive before the redrive: say so now, or the upload would end in the dead-letter queue unheard.
            event.error?.message +=
                "; this was receive \(message.receiveCount) of \(limit) (the queue's maxReceiveCount): the message goes to the "
                + "dead-letter queue"
            logger.error(
                "transient failure on the last receive; the message goes to the dead-letter queue",
                metadata: [
                    "thumb.error.code": "\(event.error?.code ?? "-")", "thumb.error": "\(event.error?.message ?? "-")",
                ])
            return await deliver(event, message: message, logger: logger) ?? .retryLater(delay)
        case .deleted(let event):
            return await deliver(event, message: message, logger: logger) ?? .delete
        case .ready(let event):
            logger.info("thumbnails ready", metadata: ["thumb.renditions": "\(event.renditions?.count ?? 0)"])
            return await deliver(event, message: message, logger: logger) ?? .delete
        case .failed(let event):
            logger.error(
                "the upload cannot be made into thumbnails",
                metadata: [
                    "thumb.error.code": "\(event.error?.code ?? "-")", "thumb.error": "\(event.error?.message ?? "-")",
                ])
            let delivered = await deliver(event, message: message, logger: logger)
            return delivered ?? (settings.permanentFailures == .delete ? .delete : .leaveForDeadLetter)
        }
    }

    /// Sends the event; returns a retry disposition when the notifier is unreachable, nil when it was delivered
    /// (or refused for good, which is logged: retrying would not change the answer).
    private func deliver(_ event: ThumbnailEvent, message: QueueMessage, logger: Logger) async -> Disposition? {
        do {
            try await metrics.measure(.notify) { () async throws(WorkerError) in try await notifier.notify(event) }
            return nil
        } catch  where error.isRetryable {
            logger.warning("notification failed; the message will come back", metadata: ["thumb.error": "\(error)"])
            return .retryLater(settings.retryDelay(afterReceive: message.receiveCount))
        } catch {
            logger.error("notification refused; not retrying", metadata: ["thumb.error": "\(error)"])
            return nil
        }
    }

    /// Extends the message's visibility at every heartbeat until cancelled.
    private func keepHidden(_ message: QueueMessage, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: settings.heartbeatInterval)
                try await queue.changeVisibility(message, timeout: settings.visibilityTimeout)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("could not extend the message's visibility", metadata: ["thumb.error": "\(error)"])
            }
        }
    }

    /// The disposition that wins when a message holds several uploads: retry beats dead-letter beats delete.
    private static func worse(_ a: Disposition, _ b: Disposition) -> Disposition {
        func rank(_ disposition: Disposition) -> Int {
            switch disposition {
            case .delete: 0
            case .leaveForDeadLetter: 1
            case .retryLater: 2
            case .release: 3
            }
        }
        return rank(b) > rank(a) ? b : a
    }
}

extension Logger {
    /// This logger with the object a job is about in its metadata.
    fileprivate func about(bucket: String, key: String) -> Logger {
        var logger = self
        logger[metadataKey: "thumb.s3.bucket"] = "\(bucket)"
        logger[metadataKey: "thumb.s3.key"] = "\(key)"
        return logger
    }
}
