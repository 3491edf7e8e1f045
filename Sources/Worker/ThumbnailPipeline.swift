import Foundation
package import Imaging

/// Reads an original, makes the configured renditions with one decode, and writes them named by the key template.
package struct ThumbnailPipeline: Sendable {
    /// The renditions, limits and naming.
    package let configuration: WorkerConfiguration
    /// The threads libvips work runs on.
    package let pool: ImagingPool
    /// Admits renders while their estimated memory fits; nil when `imaging.memory_budget_mb` is 0.
    package let memoryBudget: MemoryBudget?
    private let thumbnailer: Thumbnailer

    /// Prepares libvips, a pool sized by `configuration.concurrency` and the memory budget.
    package init(configuration: WorkerConfiguration) throws(ImagingError) {
        self.configuration = configuration
        self.thumbnailer = try Thumbnailer(settings: configuration.imaging)
        self.pool = ImagingPool(threadCount: configuration.effectiveConcurrency)
        self.memoryBudget = configuration.memoryBudgetBytes > 0 ? MemoryBudget(capacity: configuration.memoryBudgetBytes) : nil
    }

    /// Processes one original; failures are reported in the manifest, never thrown.
    package func process(_ source: ObjectLocation, into output: OutputLocation) async -> JobManifest {
        var manifest = JobManifest(input: source.displayName)
        do throws(WorkerError) {
            let data = try await source.store.get(bucket: source.bucket, key: source.key,
                                                  maxBytes: configuration.imaging.limits.maxInputBytes)
            let result = try await render(data)
            manifest.source = result.source
            manifest.placeholder = result.placeholder
            manifest.timings = result.timings
            manifest.renditions = try await write(result, of: source, sourceETag: nil, to: output).map { written in
                JobManifest.Output(
                    name: written.name, path: output.store.displayName(bucket: written.bucket, key: written.key),
                    format: written.format, contentType: written.format.mediaType, width: written.width,
                    height: written.height, bytes: written.bytes)
            }
        } catch {
            manifest.renditions = []
            manifest.error = JobManifest.Failure(error)
        }
        return manifest
    }

    /// Checks the header, waits until the decode's estimated memory fits the budget, then decodes once and makes
    /// every configured rendition, on the imaging pool.
    package func render(_ data: [UInt8]) async throws(WorkerError) -> RenderResult {
        let thumbnailer = thumbnailer
        let renditions = configuration.renditions
        let framesWanted = Thumbnailer.framesWanted(by: renditions)
        let inspected = await pool.run { () -> Result<(SourceInfo, Double), ImagingError> in
            let start = ContinuousClock.now
            return Result { () throws(ImagingError) in
                (try thumbnailer.inspect(data, framesWanted: framesWanted), start.secondsUntilNow(ContinuousClock()))
            }
        }
        let (source, inspectSeconds) = try inspected.mapError(WorkerError.init(imaging:)).get()
        let reserved = await memoryBudget?.acquire(source.estimatedDecodeBytes(framesWanted: framesWanted))
        let rendered = await pool.run { () -> Result<RenderResult, ImagingError> in
            Result { () throws(ImagingError) in try thumbnailer.render(data, renditions: renditions, inspected: source) }
        }
        if let reserved {
            await memoryBudget?.release(reserved)
        }
        var result = try rendered.mapError(WorkerError.init(imaging:)).get()
        result.timings.inspect = inspectSeconds
        return result
    }

    /// Where a rendition of `sourceKey` is written: the output prefix and the expanded key template.
    package func outputKey(of sourceKey: String, rendition: String, width: Int, height: Int, format: ImageFormat,
                           in output: OutputLocation) -> String {
        output.prefix + configuration.keyTemplate.expand(
            sourceKey: sourceKey, rendition: rendition, width: width, height: height, fileExtension: format.fileExtension)
    }

    /// Writes every rendition of `source`, named by the key template, with Content-Type, Cache-Control and metadata.
    package func write(
        _ result: RenderResult, of source: ObjectLocation, sourceETag: String?, to output: OutputLocation
    ) async throws(WorkerError) -> [WrittenRendition] {
        var written: [WrittenRendition] = []
        for rendition in result.renditions {
            let key = outputKey(of: source.key, rendition: rendition.name, width: rendition.width, height: rendition.height,
                                format: rendition.format, in: output)
            let eTag = try await output.store.put(ObjectUpload(
                bucket: output.bucket, key: key, body: rendition.data, contentType: rendition.format.mediaType,
                cacheControl: configuration.cacheControl,
                metadata: ThumbnailMetadata.describing(source, eTag: sourceETag, rendition: rendition)))
            written.append(WrittenRendition(
                name: rendition.name, bucket: output.bucket, key: key, format: rendition.format,
                width: rendition.width, height: rendition.height, bytes: rendition.data.count, eTag: eTag))
        }
        return written
    }

    /// Processes many originals, at most `pool.threadCount` at once, calling `report` as each finishes.
    ///
    /// Originals with the same key (the same file name in different folders) would overwrite each other's
    /// renditions: the later ones fail instead.
    package func processAll(
        _ sources: [ObjectLocation], into output: OutputLocation, report: @Sendable (JobManifest) async -> Void
    ) async {
        var firstSourceForKey: [String: String] = [:]
        await withTaskGroup(of: JobManifest.self) { group in
            var inFlight = 0
            for source in sources {
                if let first = firstSourceForKey[source.key] {
                    var manifest = JobManifest(input: source.displayName)
                    manifest.error = JobManifest.Failure(
                        code: WorkerError.Code.outputUnwritable.description,
                        message: "has the same name as \(first); its thumbnails would overwrite those; rename one",
                        retryable: false)
                    await report(manifest)
                    continue
                }
                firstSourceForKey[source.key] = source.displayName
                if inFlight == pool.threadCount, let finished = await group.next() {
                    inFlight -= 1
                    await report(finished)
                }
                group.addTask { await process(source, into: output) }
                inFlight += 1
            }
            for await finished in group {
                await report(finished)
            }
        }
    }
}

/// One rendition as stored.
package struct WrittenRendition: Sendable, Hashable {
    /// The rendition name.
    package var name: String
    /// The bucket (or folder) written to.
    package var bucket: String
    /// The key written.
    package var key: String
    /// The format.
    package var format: ImageFormat
    /// Width in pixels.
    package var width: Int
    /// Height in pixels.
    package var height: Int
    /// Size in bytes.
    package var bytes: Int
    /// The entity tag the store returned, if any.
    package var eTag: String?
}
