package import Foundation
import Imaging
package import Logging

/// Turns one object-created event into thumbnails: gate on the object's header, skip current outputs,
/// download, render, upload, and describe the result as a notification.
package struct UploadProcessor: Sendable {
    /// Renders and writes.
    package var pipeline: ThumbnailPipeline
    /// Where originals are read.
    package var sourceStore: any ObjectStore
    /// Where thumbnails go.
    package var destination: OutputLocation
    /// Buckets whose uploads are processed; empty accepts any bucket the events name.
    package var sourceBuckets: Set<String>
    /// Names this process in notifications.
    package var workerID: String
    /// Whether outputs already made from the same source version are reused instead of rendered again.
    package var reusesCurrentOutputs: Bool
    /// The URL put in notifications for a rendition (e.g. a presigned GET), or nil for none.
    package var renditionURL: @Sendable (_ bucket: String, _ key: String) async -> String?
    /// The time stamped on notifications.
    package var now: @Sendable () -> Date
    /// Where download and upload times, render stages, bytes and queue lag are recorded.
    package var metrics: WorkerMetrics

    /// Creates a processor.
    package init(
        pipeline: ThumbnailPipeline, sourceStore: any ObjectStore, destination: OutputLocation, sourceBuckets: Set<String>,
        workerID: String, reusesCurrentOutputs: Bool = true,
        renditionURL: @escaping @Sendable (String, String) async -> String? = { _, _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }, metrics: WorkerMetrics = .disabled
    ) {
        self.pipeline = pipeline
        self.sourceStore = sourceStore
        self.destination = destination
        self.sourceBuckets = sourceBuckets
        self.workerID = workerID
        self.reusesCurrentOutputs = reusesCurrentOutputs
        self.renditionURL = renditionURL
        self.now = now
        self.metrics = metrics
    }

    /// Processes one upload; never throws: every failure becomes an outcome.
    package func process(_ upload: ObjectCreatedEvent, attempt: Int, logger: Logger) async -> JobOutcome {
        var source = ThumbnailEvent.Source(bucket: upload.bucket, key: upload.key, eTag: upload.eTag, size: upload.size)
        if let eventTime = upload.eventTime {
            metrics.recordQueueLag(eventTime: eventTime, now: now())
        }
        if !sourceBuckets.isEmpty && !sourceBuckets.contains(upload.bucket) {
            return .skipped("bucket \(upload.bucket) is not in source.buckets")
        }
        if upload.bucket == destination.bucket && upload.key.hasPrefix(destination.prefix) {
            return .skipped("the key is under the thumbnail destination (a thumbnail, not an upload)")
        }
        do throws(WorkerError) {
            guard let object = try await sourceStore.head(bucket: upload.bucket, key: upload.key) else {
                throw WorkerError(.notFound, "\(sourceStore.displayName(bucket: upload.bucket, key: upload.key)) no longer exists")
            }
            if object.metadata[ThumbnailMetadata.generatorKey] != nil {
                return .skipped("the object carries thumbworker's own marker (a thumbnail, not an upload)")
            }
            source.size = object.size
            source.eTag = object.eTag ?? upload.eTag
            let limit = pipeline.configuration.imaging.limits.maxInputBytes
            guard object.size <= limit else {
                throw WorkerError(imaging: ImagingError(.tooLarge, "the object is \(object.size) bytes; the limit is \(limit) (limits.max_input_bytes)"))
            }
            let location = ObjectLocation(store: sourceStore, bucket: upload.bucket, key: upload.key)
            if reusesCurrentOutputs, let current = try await currentOutputs(of: location, eTag: source.eTag) {
                logger.info("thumbnails already current; not rendering again", metadata: ["thumb.renditions": "\(current.count)"])
                return .ready(await readyEvent(source: source, written: current, result: nil))
            }
            let data = try await metrics.measure(.download) { () async throws(WorkerError) in
                try await sourceStore.get(bucket: upload.bucket, key: upload.key, maxBytes: limit)
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
        } catch where error.isRetryable {
            return .retry(error)
        } catch {
            var event = baseEvent(type: ThumbnailEvent.failedType, source: source)
            // Retryable errors were caught above: this one is permanent.
            event.error = ThumbnailEvent.Failure(error)
            event.attempt = attempt
            return .failed(event)
        }
    }

    /// The outputs of every rendition when they all exist and were made from this source version; nil otherwise.
    ///
    /// Only possible when every output key is known before rendering: no `auto` format and no `{width}`/`{height}`.
    private func currentOutputs(of source: ObjectLocation, eTag: String?) async throws(WorkerError) -> [WrittenRendition]? {
        let configuration = pipeline.configuration
        guard let eTag, !configuration.keyTemplate.dependsOnOutputSize,
              !configuration.renditions.contains(where: { $0.format == .auto }) else { return nil }
        var current: [WrittenRendition] = []
        for rendition in configuration.renditions {
            let format = ImageFormat(rendition.format)
            let key = pipeline.outputKey(of: source.key, rendition: rendition.name, width: 0, height: 0, format: format,
                                         in: destination)
            guard let object = try await destination.store.head(bucket: destination.bucket, key: key),
                  object.metadata[ThumbnailMetadata.sourceETagKey] == ThumbnailMetadata.encoded(eTag),
                  let size = object.metadata[ThumbnailMetadata.sizeKey]?.split(separator: "x").compactMap({ Int($0) }),
                  size.count == 2 else { return nil }
            current.append(WrittenRendition(name: rendition.name, bucket: destination.bucket, key: key, format: format,
                                            width: size[0], height: size[1], bytes: object.size, eTag: object.eTag))
        }
        return current
    }

    private func readyEvent(source: ThumbnailEvent.Source, written: [WrittenRendition], result: RenderResult?) async -> ThumbnailEvent {
        var event = baseEvent(type: ThumbnailEvent.readyType, source: source)
        var renditions: [ThumbnailEvent.Rendition] = []
        for output in written {
            renditions.append(ThumbnailEvent.Rendition(
                name: output.name, bucket: output.bucket, key: output.key, url: await renditionURL(output.bucket, output.key),
                format: output.format, width: output.width, height: output.height, bytes: output.bytes, eTag: output.eTag))
        }
        event.renditions = renditions
        event.placeholder = result?.placeholder
        event.timings = result?.timings
        return event
    }

    private func baseEvent(type: String, source: ThumbnailEvent.Source) -> ThumbnailEvent {
        ThumbnailEvent(type: type, imageId: source.key, time: now(), workerId: workerID, source: source)
    }
}
