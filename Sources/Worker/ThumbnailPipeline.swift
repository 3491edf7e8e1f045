import Foundation
package import Imaging

/// Reads an original, makes the configured renditions with one decode, and writes them named by the key template.
package struct ThumbnailPipeline: Sendable {
    /// The renditions, limits and naming.
    package let configuration: WorkerConfiguration
    /// The threads libvips work runs on.
    package let pool: ImagingPool
    private let thumbnailer: Thumbnailer

    /// Prepares libvips and a pool sized by `configuration.concurrency`.
    package init(configuration: WorkerConfiguration) throws(ImagingError) {
        self.configuration = configuration
        self.thumbnailer = try Thumbnailer(settings: configuration.imaging)
        self.pool = ImagingPool(threadCount: configuration.effectiveConcurrency)
    }

    /// Processes one original; failures are reported in the manifest, never thrown.
    package func process(_ source: ObjectLocation, into output: OutputLocation) async -> JobManifest {
        var manifest = JobManifest(input: source.displayName)
        do throws(WorkerError) {
            let data = try await source.store.get(bucket: source.bucket, key: source.key,
                                                  maxBytes: configuration.imaging.limits.maxInputBytes)
            let thumbnailer = thumbnailer
            let renditions = configuration.renditions
            let rendered = await pool.run { () -> Result<RenderResult, ImagingError> in
                Result { () throws(ImagingError) in try thumbnailer.render(data, renditions: renditions) }
            }
            let result = try rendered.mapError(WorkerError.init(imaging:)).get()
            manifest.source = result.source
            manifest.placeholder = result.placeholder
            manifest.timings = result.timings
            for rendition in result.renditions {
                manifest.renditions.append(try await write(rendition, of: source, to: output))
            }
        } catch {
            manifest.renditions = []
            manifest.error = JobManifest.Failure(code: error.code.description, message: error.message,
                                                 retryable: error.isRetryable)
        }
        return manifest
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

    private func write(_ rendition: RenderedImage, of source: ObjectLocation, to output: OutputLocation) async throws(WorkerError) -> JobManifest.Output {
        let key = output.prefix + configuration.keyTemplate.expand(
            sourceKey: source.key, rendition: rendition.name, width: rendition.width, height: rendition.height,
            fileExtension: rendition.format.fileExtension)
        try await output.store.put(ObjectUpload(
            bucket: output.bucket, key: key, body: rendition.data, contentType: rendition.format.mediaType,
            cacheControl: configuration.cacheControl, metadata: ThumbnailMetadata.describing(source)))
        return JobManifest.Output(
            name: rendition.name, path: output.store.displayName(bucket: output.bucket, key: key),
            format: rendition.format, contentType: rendition.format.mediaType, width: rendition.width,
            height: rendition.height, bytes: rendition.data.count)
    }
}
