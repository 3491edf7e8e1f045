package import Foundation
package import Imaging

/// The notification sent after an upload was processed (`thumbnails.ready` or `thumbnails.failed`), or after a
/// removed original's thumbnails were deleted (`thumbnails.deleted`).
///
/// The JSON form is documented in the README and is what every notifier sends.
package struct ThumbnailEvent: Sendable, Codable {
    /// The same for every delivery of the same outcome, for receivers to deduplicate by (`deduplicationID`).
    package var id: String?
    /// `thumbnails.ready`, `thumbnails.failed` or `thumbnails.deleted`.
    package var type: String
    /// The seed app's identifier for the upload (the source key), kept for its websocket clients.
    package var imageId: String
    /// When the event was made.
    package var time: Date
    /// The worker that made it.
    package var workerId: String
    /// The original.
    package var source: Source
    /// The renditions written (ready), or deleted (deleted).
    package var renditions: [Rendition]?
    /// The placeholder (ready only, when enabled).
    package var placeholder: Placeholder?
    /// Seconds per stage (ready only).
    package var timings: StageTimings?
    /// Why it failed (failed only).
    package var error: Failure?
    /// Which delivery of the queue message this was (failed only).
    package var attempt: Int?

    /// Creates an event; the optional parts are filled in afterwards.
    package init(type: String, imageId: String, time: Date, workerId: String, source: Source) {
        self.type = type
        self.imageId = imageId
        self.time = time
        self.workerId = workerId
        self.source = source
    }

    /// The original upload.
    package struct Source: Sendable, Codable, Hashable {
        /// The bucket.
        package var bucket: String
        /// The key.
        package var key: String
        /// The entity tag, when known.
        package var eTag: String?
        /// Size in bytes, when known.
        package var size: Int?
        /// The format found, when the header was read.
        package var format: ImageFormat?
        /// Displayed width, when the header was read.
        package var width: Int?
        /// Displayed height, when the header was read.
        package var height: Int?

        /// Creates a source description.
        package init(
            bucket: String, key: String, eTag: String? = nil, size: Int? = nil, format: ImageFormat? = nil,
            width: Int? = nil, height: Int? = nil
        ) {
            self.bucket = bucket
            self.key = key
            self.eTag = eTag
            self.size = size
            self.format = format
            self.width = width
            self.height = height
        }
    }

    /// One written rendition.
    package struct Rendition: Sendable, Codable, Hashable {
        /// The rendition name.
        package var name: String
        /// The bucket written to.
        package var bucket: String
        /// The key written.
        package var key: String
        /// Where a browser can fetch it (presigned when configured).
        package var url: String?
        /// The format.
        package var format: ImageFormat
        /// Width in pixels.
        package var width: Int
        /// Height in pixels.
        package var height: Int
        /// Size in bytes.
        package var bytes: Int
        /// The entity tag the store returned, when it returned one.
        package var eTag: String?

        /// Creates a rendition description.
        package init(
            name: String, bucket: String, key: String, url: String?, format: ImageFormat, width: Int, height: Int,
            bytes: Int, eTag: String?
        ) {
            self.name = name
            self.bucket = bucket
            self.key = key
            self.url = url
            self.format = format
            self.width = width
            self.height = height
            self.bytes = bytes
            self.eTag = eTag
        }
    }

    /// A failure as notified.
    package struct Failure: Sendable, Codable, Hashable {
        /// The code, e.g. `corrupt`.
        package var code: String
        /// What went wrong.
        package var message: String
        /// Whether the upload will be tried again.
        package var retryable: Bool

        /// Creates a failure description.
        package init(code: String, message: String, retryable: Bool) {
            self.code = code
            self.message = message
            self.retryable = retryable
        }

        /// Describes a worker error: its code, its message and whether it may pass.
        package init(_ error: WorkerError) {
            self.init(code: error.code.description, message: error.explanation, retryable: error.isRetryable)
        }
    }

    /// The `type` of a success.
    package static let readyType = "thumbnails.ready"
    /// The `type` of a failure.
    package static let failedType = "thumbnails.failed"
    /// The `type` sent when a removed original's thumbnails were deleted.
    package static let deletedType = "thumbnails.deleted"
}
