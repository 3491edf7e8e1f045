package import WorkerCore

/// The worker's notifier that keeps the catalog current: each `thumbnails.ready` or `thumbnails.failed` event about
/// an original the API made is applied to its image, then handed to `forward` (the websocket broadcast).
package struct CatalogNotifier: Notifier {
    /// Names it in logs.
    package let name = "catalog"
    /// The upload bucket whose originals are the API's.
    package var uploadBucket: String
    /// Where images are kept.
    package var catalog: any Catalog
    /// Gets each applied event with the image it changed.
    package var forward: @Sendable (ThumbnailEvent, ImageItem) async -> Void

    /// Creates the notifier.
    package init(
        uploadBucket: String, catalog: any Catalog,
        forward: @escaping @Sendable (ThumbnailEvent, ImageItem) async -> Void = { _, _ in }
    ) {
        self.uploadBucket = uploadBucket
        self.catalog = catalog
        self.forward = forward
    }

    /// Applies the event to its image; events about other objects, or images deleted meanwhile, are ignored. A
    /// catalog that cannot be reached fails the notification, so the worker's message comes back.
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        guard event.source.bucket == uploadBucket, let id = ImageItem.imageID(fromObjectKey: event.source.key) else {
            return
        }
        do throws(AppError) {
            guard let image = try await catalog.image(id: id) else { return }
            let updated = image.applying(event)
            try await catalog.putImage(updated)
            await forward(event, updated)
        } catch {
            throw WorkerError(
                .notificationFailed, "could not record the event in the catalog: \(error)",
                retryable: error.code == .catalogUnavailable)
        }
    }
}
