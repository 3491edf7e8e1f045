/// What one queue message asks for: the objects to make thumbnails of, the removed objects whose thumbnails may go,
/// and what it carried that needs no work.
package struct QueueMessageContent: Sendable, Hashable {
    /// One job per object-created record, in message order.
    package var jobs: [ObjectCreatedEvent] = []
    /// One per `ObjectRemoved:Delete` or `ObjectRemoved:DeleteMarkerCreated` record, in message order.
    package var removals: [ObjectRemovedEvent] = []
    /// One reason per record or test event that was acknowledged without work.
    package var skipped: [String] = []
}
