import WorkerCore

/// The URLs the app hands to browsers: where to PUT an original (a presigned S3 PUT on AWS, a presigned PUT to
/// `serve` itself with the local backends) and where a thumbnail is read.
package protocol ObjectLinks: Sendable {
    /// A URL that lets its holder PUT one object at `key` in `bucket`, with this `Content-Type`, for a while;
    /// `requestHost` is the `Host` the API was called on, which a URL to the server itself must name.
    func uploadURL(
        bucket: String, key: String, contentType: String, requestHost: String?
    ) async throws(AppError) -> String

    /// Where a browser reads the thumbnail at `key` in `bucket`.
    func thumbnailURL(bucket: String, key: String) -> String
}

extension ImageItem {
    /// The item with each thumbnail's `url` filled in where the worker's event had none.
    package func linked(by links: any ObjectLinks) -> ImageItem {
        var linked = self
        linked.thumbnails = thumbnails?.map { thumbnail in
            var thumbnail = thumbnail
            if thumbnail.url == nil { thumbnail.url = links.thumbnailURL(bucket: thumbnail.bucket, key: thumbnail.key) }
            return thumbnail
        }
        return linked
    }
}
