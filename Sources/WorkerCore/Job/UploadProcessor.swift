package import Foundation
import Imaging
package import Logging

/// The one path every upload takes, for `run` and `process` alike: gate (bucket, own outputs, size), reuse of
/// current outputs, download, render, write, and the result described as a notification.
package struct UploadProcessor: Sendable {
    /// Renders and writes.
    package var pipeline: ThumbnailPipeline
    /// Where thumbnails go.
    package var destination: OutputLocation
    /// Buckets whose uploads are processed; empty accepts any bucket.
    package var sourceBuckets: Set<String>
    /// Names this process in notifications.
    package var workerID: String
    /// Whether outputs already made from the same source version are reused instead of rendered again.
    package var reusesCurrentOutputs: Bool
    /// Whether thumbworker's own outputs (objects with its marker, keys under the destination prefix) are skipped;
    /// `process --force` turns it off.
    package var skipsOwnOutputs: Bool
    /// The URL put in notifications for a rendition (e.g. a presigned GET), or nil for none.
    package var renditionURL: @Sendable (_ bucket: String, _ key: String) async -> String?
    /// The time stamped on notifications.
    package var now: @Sendable () -> Date
    /// Where download and upload times, render stages, bytes and queue lag are recorded.
    package var metrics: WorkerMetrics

    /// Creates a processor.
    package init(
        pipeline: ThumbnailPipeline, destination: OutputLocation, sourceBuckets: Set<String> = [], workerID: String,
        reusesCurrentOutputs: Bool = true, skipsOwnOutputs: Bool = true,
        renditionURL: @escaping @Sendable (String, String) async -> String? = { _, _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }, metrics: WorkerMetrics = .disabled
    ) {
        self.pipeline = pipeline
        self.destination = destination
        self.sourceBuckets = sourceBuckets
        self.workerID = workerID
        self.reusesCurrentOutputs = reusesCurrentOutputs
        self.skipsOwnOutputs = skipsOwnOutputs
        self.renditionURL = renditionURL
        self.now = now
        self.metrics = metrics
    }

    /// Processes one upload read from `store`; never throws: every failure becomes an outcome.
    package func process(
        _ upload: ObjectCreatedEvent, in store: any ObjectStore, attempt: Int, logger: Logger
    ) async -> JobOutcome {
        var source = ThumbnailEvent.Source(bucket: upload.bucket, key: upload.key, eTag: upload.eTag, size: upload.size)
        if let eventTime = upload.eventTime {
            metrics.recordQueueLag(eventTime: eventTime, now: now())
        }
        if !sourceBuckets.isEmpty && !sourceBuckets.contains(upload.bucket) {
            return .skipped("bucket \(upload.bucket) is not in source.buckets")
        }
        if skipsOwnOutputs && upload.bucket == destination.bucket && !destination.prefix.isEmpty
            && upload.key.hasPrefix(destination.prefix)
        {
            return .skipped("the key is under the thumbnail destination (a thumbnail, not an upload)")
        }
        do throws(WorkerError) {
            guard let object = try await store.head(bucket: upload.bucket, key: upload.key) else {
                throw WorkerError(
                    .notFound,
                    "\(store.displayName(bucket: upload.bucket, key: upload.key)) does not exist")
            }
            if skipsOwnOutputs && object.metadata[ThumbnailMetadata.generatorKey] != nil {
                return .skipped("the object carries thumbworker's own marker (a thumbnail, not an upload)")
            }
            source.size = object.size
            source.eTag = object.eTag ?? upload.eTag
            let limit = pipeline.settings.imaging.limits.maxInputBytes
            guard object.size <= limit else {
                throw WorkerError(
                    .tooLarge, "the object is \(object.size) bytes; the limit is \(limit) (limits.max_input_bytes)")
            }
            let location = ObjectLocation(store: store, bucket: upload.bucket, key: upload.key)
            if reusesCurrentOutputs, let current = try await currentOutputs(of: location, eTag: source.eTag) {
                logger.info(
                    "thumbnails already current; not rendering again",
                    metadata: ["thumb.renditions": "\(current.count)"])
                return .ready(await readyEvent(source: source, written: current, result: nil))
            }
            let data = try await metrics.measure(.download) { () async throws(WorkerError) in
                try await store.get(bucket: upload.bucket, key: upload.key, maxBytes: limit)
            }
            metrics.recordBytes(data.count, .incoming)
            let result = try await pipeline.render(data)
            metrics.record(result.timings)
            source.format = result.source.format
            source.width = result.source.width
            source.height = result.source.height
            let written = try await metrics.measure(.upload) { () async throws(WorkerError) in
                try await pipeline.write(result, of: location, sourceETag: source.eTag, to: destination)
            }
            metrics.recordBytes(written.reduce(0) { $0 + $1.bytes }, .outgoing)
            return .ready(await readyEvent(source: source, written: written, result: result))
        } catch {
            let event = failedEvent(source: source, error: error, attempt: attempt)
            return error.isRetryable ? .retry(event) : .failed(event)
        }
    }

    /// The outputs of every rendition when they all exist and were made from this source version; nil otherwise.
    ///
    /// Only possible when every output key is known before rendering: no `auto` format and no `{width}`/`{height}`.
    private func currentOutputs(
        of source: ObjectLocation, eTag: String?
    ) async throws(WorkerError) -> [ThumbnailEvent.Rendition]? {
        let settings = pipeline.settings
        guard let eTag, !settings.keyTemplate.dependsOnOutputSize else { return nil }
        var current: [ThumbnailEvent.Rendition] = []
        for rendition in settings.renditions {
            guard let format = rendition.format.fixedFormat else { return nil }
            let key = pipeline.outputKey(
                of: source.key, rendition: rendition.name, width: 0, height: 0, format: format, in: destination)
            guard let object = try await destination.store.head(bucket: destination.bucket, key: key),
                object.metadata[ThumbnailMetadata.sourceETagKey] == ThumbnailMetadata.encoded(eTag),
                let size = object.metadata[ThumbnailMetadata.sizeKey]?.split(separator: "x").compactMap({ Int($0) }),
                size.count == 2
            else { return nil }
            current.append(
                ThumbnailEvent.Rendition(
                    name: rendition.name, bucket: destination.bucket, key: key, url: nil, format: format,
                    width: size[0], height: size[1], bytes: object.size, eTag: object.eTag))
        }
        return current
    }

    private func readyEvent(
        source: ThumbnailEvent.Source, written: [ThumbnailEvent.Rendition], result: RenderResult?
    ) async -> ThumbnailEvent {
        var event = baseEvent(type: ThumbnailEvent.readyType, source: source)
        var renditions: [ThumbnailEvent.Rendition] = []
        for var output in written {
            output.url = await renditionURL(output.bucket, output.key)
            renditions.append(output)
        }
        event.renditions = renditions
        event.placeholder = result?.placeholder
        event.timings = result?.timings
        event.id = deduplicationID(of: event)
        return event
    }

    /// The `thumbnails.failed` event for `source`.
    func failedEvent(source: ThumbnailEvent.Source, error: WorkerError, attempt: Int) -> ThumbnailEvent {
        var event = baseEvent(type: ThumbnailEvent.failedType, source: source)
        event.error = ThumbnailEvent.Failure(error)
        event.attempt = attempt
        event.id = deduplicationID(of: event)
        return event
    }

    private func deduplicationID(of event: ThumbnailEvent) -> String {
        ThumbnailEvent.deduplicationID(
            type: event.type, retryable: event.error?.retryable, source: event.source,
            renditionNames: pipeline.settings.renditions.map(\.name))
    }

    private func baseEvent(type: String, source: ThumbnailEvent.Source) -> ThumbnailEvent {
        ThumbnailEvent(type: type, imageId: source.key, time: now(), workerId: workerID, source: source)
    }
}
