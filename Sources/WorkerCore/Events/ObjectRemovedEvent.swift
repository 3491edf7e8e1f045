package import Foundation

/// One removed object, as an S3 `ObjectRemoved:*` event described it: no entity tag, only its ordering token.
package struct ObjectRemovedEvent: Sendable, Hashable {
    /// The bucket that held the object.
    package var bucket: String
    /// The object key, decoded.
    package var key: String
    /// The version removed, or the delete marker's version, on a versioned bucket.
    package var versionID: String?
    /// S3's ordering token for events on the same key, compared with the one the thumbnails record.
    package var sequencer: String?
    /// `ObjectRemoved:Delete` or `ObjectRemoved:DeleteMarkerCreated`.
    package var eventName: String
    /// When S3 finished the request, when the event gives it.
    package var eventTime: Date?

    /// Describes a removal.
    package init(
        bucket: String, key: String, versionID: String? = nil, sequencer: String?, eventName: String,
        eventTime: Date? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.versionID = versionID
        self.sequencer = sequencer
        self.eventName = eventName
        self.eventTime = eventTime
    }
}
