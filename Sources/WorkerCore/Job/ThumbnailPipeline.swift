import Foundation
package import Imaging

/// Renders an original into the configured renditions with one decode, and writes them named by the key template.
package struct ThumbnailPipeline: Sendable {
    /// The renditions, limits and naming.
    package let settings: PipelineSettings
    /// The threads libvips work runs on.
    package let pool: ImagingPool
    /// Admits renders while their estimated memory fits; nil when `imaging.memory_budget_mb` is 0.
    package let memoryBudget: MemoryBudget?
    /// Each configured rendition's spec fingerprint, by name: what its outputs record and are checked against.
    package let fingerprints: [String: String]
    private let thumbnailer: Thumbnailer

    /// Prepares libvips, a pool of `settings.concurrency` threads and the memory budget.
    package init(settings: PipelineSettings) throws(ImagingError) {
        self.settings = settings
        self.thumbnailer = try Thumbnailer(settings: settings.imaging)
        self.pool = ImagingPool(threadCount: settings.concurrency)
        self.memoryBudget = settings.memoryBudgetBytes > 0 ? MemoryBudget(capacity: settings.memoryBudgetBytes) : nil
        self.fingerprints = Dictionary(
            settings.renditions.map { ($0.name, $0.fingerprint(with: settings.imaging)) }, uniquingKeysWith: { $1 })
    }

    /// Checks the header, waits until the decode's estimated memory fits the budget, then decodes once and makes
    /// `renditions` (by default every configured one), on the imaging pool.
    package func render(_ data: [UInt8], renditions: [RenditionSpec]? = nil) async throws(WorkerError) -> RenderResult {
        let thumbnailer = thumbnailer
        let renditions = renditions ?? settings.renditions
        let framesWanted = Thumbnailer.framesWanted(by: renditions)
        let inspected = await pool.run { () throws(ImagingError) in
            let start = ContinuousClock.now
            return (try thumbnailer.inspect(data, framesWanted: framesWanted), start.secondsUntilNow(ContinuousClock()))
        }
        let (source, inspectSeconds) = try inspected.mapError(WorkerError.init(imaging:)).get()
        let reserved = await memoryBudget?.acquire(thumbnailer.estimatedMemory(of: source, renditions: renditions))
        let rendered = await pool.runStoppable { () throws(ImagingError) in
            try thumbnailer.render(data, renditions: renditions, inspected: source)
        }
        if let reserved {
            await memoryBudget?.release(reserved)
        }
        var result = try rendered.mapError(WorkerError.init(imaging:)).get()
        result.timings.inspect = inspectSeconds
        return result
    }

    /// Where a rendition of `sourceKey` is written: the output prefix and the expanded key template.
    package func outputKey(
        of sourceKey: String, rendition: String, width: Int, height: Int, format: ImageFormat, in output: OutputLocation
    ) -> String {
        output.prefix
            + settings.keyTemplate.expand(
                sourceKey: sourceKey, rendition: rendition, width: width, height: height,
                fileExtension: format.fileExtension)
    }

    /// Writes every rendition of `source` made from `version`, named by the key template, with Content-Type,
    /// Cache-Control and metadata; once the task is cancelled (the drain timeout), writes no more and throws `abandoned`.
    package func write(
        _ result: RenderResult, of source: ObjectLocation, version: SourceVersion, to output: OutputLocation
    ) async throws(WorkerError) -> [ThumbnailEvent.Rendition] {
        var written: [ThumbnailEvent.Rendition] = []
        for rendition in result.renditions {
            let key = outputKey(
                of: source.key, rendition: rendition.name, width: rendition.width, height: rendition.height,
                format: rendition.format, in: output)
            // A job stopped at the drain timeout writes no more: its message comes back and the retry writes them all.
            guard !Task.isCancelled else {
                throw WorkerError(
                    .abandoned, "the job was stopped at the drain timeout before writing \(key); it will be retried",
                    retryable: true)
            }
            let eTag = try await output.store.put(
                ObjectUpload(
                    bucket: output.bucket, key: key, body: rendition.data, contentType: rendition.format.mediaType,
                    cacheControl: settings.cacheControl,
                    metadata: ThumbnailMetadata.describing(
                        source, version: version, rendition: rendition, spec: fingerprints[rendition.name] ?? "")))
            written.append(
                ThumbnailEvent.Rendition(
                    name: rendition.name, bucket: output.bucket, key: key, url: nil, format: rendition.format,
                    width: rendition.width, height: rendition.height, bytes: rendition.data.count, eTag: eTag))
        }
        return written
    }
}
