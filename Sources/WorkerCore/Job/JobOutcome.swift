/// What became of one uploaded object.
package enum JobOutcome: Sendable {
    /// The thumbnails exist (made now, or already current); the event says where.
    case ready(ThumbnailEvent)
    /// Nothing to do (one of our own outputs, a bucket not configured); the reason is logged.
    case skipped(String)
    /// The upload can never be made into thumbnails; the event says why.
    case failed(ThumbnailEvent)
    /// Something transient went wrong (storage, network); the message should come back later. The event is the
    /// `thumbnails.failed` it would be, its error marked retryable; it is not notified.
    case retry(ThumbnailEvent)
    /// The original was removed and its thumbnails deleted (`destination.delete_on_remove`); the event lists them.
    case deleted(ThumbnailEvent)
}

extension JobOutcome {
    /// The event that describes the outcome; nil for a skip.
    package var event: ThumbnailEvent? {
        switch self {
        case .ready(let event), .failed(let event), .retry(let event), .deleted(let event): event
        case .skipped: nil
        }
    }
}
