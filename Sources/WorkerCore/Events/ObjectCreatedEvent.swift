package import Foundation

/// One uploaded object to make thumbnails of, as an S3 event described it.
package struct ObjectCreatedEvent: Sendable, Hashable {
    /// The bucket holding the object.
    package var bucket: String
    /// The object key, decoded: `in/my photo é.jpg`, never `in/my+photo+%C3%A9.jpg`.
    package var key: String
    /// The object's size in bytes, when the event gives it.
    package var size: Int?
    /// The object's entity tag without surrounding quotes, when the event gives it.
    package var eTag: String?
    /// The object version, when the bucket is versioned.
    package var versionID: String?
    /// S3's ordering token for events on the same key: the greater hex value is the later event.
    package var sequencer: String?
    /// What happened: `ObjectCreated:Put` in S3 notifications, the detail-type `Object Created` in EventBridge events.
    package var eventName: String
    /// When S3 finished the request, when the event gives it.
    package var eventTime: Date?
    /// The bucket's AWS Region, when the event gives it.
    package var region: String?
}

extension ObjectCreatedEvent {
    /// An object no event announced, named by its bucket (or folder) and key: what `thumbworker process` is given.
    package init(bucket: String, key: String) {
        self.init(
            bucket: bucket, key: key, size: nil, eTag: nil, versionID: nil, sequencer: nil,
            eventName: "thumbworker:process",
            eventTime: nil, region: nil)
    }
}
