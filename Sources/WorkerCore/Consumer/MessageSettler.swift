import Logging

/// Sends a batch of handled messages to the queue: one delete call for the finished ones, one visibility call for
/// those to retry later or release; what the queue refuses is logged (the message then comes back by itself).
struct MessageSettler: Sendable {
    /// The queue the messages came from.
    let queue: any MessageQueue
    /// Where refusals are logged.
    let logger: Logger

    /// Deletes the finished messages with one batch call and changes the others' visibility as their dispositions say.
    func settle(_ batch: [SettlementBatch.Entry]) async {
        let finished = batch.filter { $0.disposition == .delete }.map(\.message)
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
