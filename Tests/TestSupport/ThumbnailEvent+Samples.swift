import Foundation
import Imaging
package import WorkerCore

extension ThumbnailEvent {
    /// A `thumbnails.ready` event with two renditions.
    package static var sampleReady: ThumbnailEvent {
        var event = ThumbnailEvent(
            type: ThumbnailEvent.readyType, imageId: "in/cat.jpg", time: Date(timeIntervalSince1970: 1_767_225_600),
            workerId: "worker-1",
            source: Source(
                bucket: "originals", key: "in/cat.jpg", eTag: "\"abc\"", size: 52_100, format: .jpeg, width: 1600,
                height: 1200)
        )
        event.renditions = [
            Rendition(
                name: "small", bucket: "thumbs", key: "small/cat.webp", url: nil, format: .webp, width: 160,
                height: 120,
                bytes: 3_100, eTag: nil),
            Rendition(
                name: "large", bucket: "thumbs", key: "large/cat.webp", url: nil, format: .webp, width: 640,
                height: 480,
                bytes: 21_800, eTag: nil),
        ]
        return event
    }

    /// A `thumbnails.failed` event for a corrupt upload.
    package static var sampleFailed: ThumbnailEvent {
        var event = ThumbnailEvent(
            type: ThumbnailEvent.failedType, imageId: "in/broken.png", time: Date(timeIntervalSince1970: 1_767_225_600),
            workerId: "worker-1", source: Source(bucket: "originals", key: "in/broken.png")
        )
        event.error = Failure(code: "corrupt", message: "the PNG is truncated", retryable: false)
        event.attempt = 1
        return event
    }
}
