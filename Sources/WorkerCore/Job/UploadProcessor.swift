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
    /// Whether outputs already made from the same source version with today's spec are reused instead of rendered
    /// again, each rendition on its own.
    package var reusesCurrentOutputs: Bool
    /// Whether thumbworker's own outputs (objects with its marker, keys under the destination prefix) are skipped;
    /// `process --force` turns it off.
    package var skipsOwnOutputs: Bool
    /// Whether a removed original's thumbnails are deleted (`destination.delete_on_remove`).
    package var deletesOnRemove: Bool
    /// The URL put in notifications for a rendition (e.g. a presigned GET), or nil for none.
    package var renditionURL: @Sendable (_ bucket: String, _ key: String) async -> String?
    /// The time stamped on notifications.
    package var now: @Sendable () -> Date
    /// Where download and upload times, render stages, bytes and queue lag are recorded.
    package var metrics: WorkerMetrics

    /// Creates a processor.
    package init(
        pipeline: ThumbnailPipeline, destination: OutputLocation, sourceBuckets: Set<String> = [], workerID: String,
        reusesCurrentOutputs: Bool = true, skipsOwnOutputs: Bool = true, deletesOnRemove: Bool = false,
        renditionURL: @escaping @Sendable (String, String) async -> String? = { _, _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }, metrics: WorkerMetrics = .disabled
    ) {
        self.pipeline = pipeline
        self.destination = destination
        self.sourceBuckets = sourceBuckets
        self.workerID = workerID
        self.reusesCurrentOutputs = reusesCurrentOutputs
        self.skipsOwnOutputs = skipsOwnOutputs
        self.deletesOnRemove = deletesOnRemove
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
        if let reason = notAnOriginal(bucket: upload.bucket, key: upload.key) {
            return .skipped(reason)
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
            let version = SourceVersion(
                eTag: source.eTag, versionID: object.versionID ?? upload.versionID, sequencer: upload.sequencer)
            let states =
                reusesCurrentOutputs
                ? try await pipeline.outputStates(of: upload.key, version: version, in: destination)
                : Array(repeating: OutputState.missing, count: pipeline.settings.renditions.count)
            let current = states.compactMap(\.current)
            if current.count == states.count {
                logger.info(
                    "thumbnails already current; not rendering again",
                    metadata: ["thumb.renditions": "\(current.count)"])
                return .ready(await readyEvent(source: source, written: current, result: nil))
            }
            let stale = zip(pipeline.settings.renditions, states).filter { $0.1.current == nil }.map(\.0)
            if !current.isEmpty {
                logger.info(
                    "some thumbnails already current; rendering the others",
                    metadata: ["thumb.current": "\(current.count)", "thumb.rendering": "\(stale.map(\.name))"])
            }
            let data = try await metrics.measure(.download) { () async throws(WorkerError) in
                try await store.get(bucket: upload.bucket, key: upload.key, maxBytes: limit)
            }
            metrics.recordBytes(data.count, .incoming)
            let result = try await pipeline.render(data, renditions: stale)
            metrics.record(result.timings)
            source.format = result.source.format
            source.width = result.source.width
            source.height = result.source.height
            let written = try await metrics.measure(.upload) { () async throws(WorkerError) in
                try await pipeline.write(result, of: location, version: version, to: destination)
            }
            metrics.recordBytes(written.reduce(0) { $0 + $1.bytes }, .outgoing)
            let all = pipeline.settings.renditions.compactMap { rendition in
                written.first { $0.name == rendition.name } ?? current.first { $0.name == rendition.name }
            }
            return .ready(await readyEvent(source: source, written: all, result: result))
        } catch {
            let event = failedEvent(source: source, error: error, attempt: attempt)
            return error.isRetryable ? .retry(event) : .failed(event)
        }
    }

    /// Why the object at `key` in `bucket` is not an original thumbworker handles, by its name alone; nil when it is.
    func notAnOriginal(bucket: String, key: String) -> String? {
        if !sourceBuckets.isEmpty && !sourceBuckets.contains(bucket) {
            return "bucket \(bucket) is not in source.buckets"
        }
        if skipsOwnOutputs && bucket == destination.bucket && !destination.prefix.isEmpty
            && key.hasPrefix(destination.prefix)
        {
            return "the key is under the thumbnail destination (a thumbnail, not an upload)"
        }
        return nil
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

    /// The id receivers deduplicate `event` by.
    func deduplicationID(of event: ThumbnailEvent) -> String {
        ThumbnailEvent.deduplicationID(
            type: event.type, retryable: event.error?.retryable, source: event.source,
            renditionNames: pipeline.settings.renditions.map(\.name))
    }

    /// An event of `type` about `source`, stamped with the time and this worker.
    func baseEvent(type: String, source: ThumbnailEvent.Source) -> ThumbnailEvent {
        ThumbnailEvent(type: type, imageId: source.key, time: now(), workerId: workerID, source: source)
    }
}
