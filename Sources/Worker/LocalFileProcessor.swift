import Foundation
package import Imaging

/// Makes the configured renditions of local files and writes them into a folder, named by the key template.
package struct LocalFileProcessor: Sendable {
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

    /// The source key used for a local file: its name, so outputs land directly in the output folder.
    package static func sourceKey(forPath path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent
    }

    /// Processes one file; failures are reported in the manifest, never thrown.
    package func process(path: String, outputDirectory: String) async -> JobManifest {
        let configuration = configuration
        let thumbnailer = thumbnailer
        return await pool.run { () -> JobManifest in
            var manifest = JobManifest(input: path)
            do throws(WorkerError) {
                let data = try Self.read(path, limit: configuration.imaging.limits.maxInputBytes)
                let result: RenderResult
                do throws(ImagingError) {
                    result = try thumbnailer.render(data, renditions: configuration.renditions)
                } catch {
                    throw WorkerError(imaging: error)
                }
                manifest.source = result.source
                manifest.placeholder = result.placeholder
                manifest.timings = result.timings
                let sourceKey = Self.sourceKey(forPath: path)
                for rendition in result.renditions {
                    let key = configuration.keyTemplate.expand(
                        sourceKey: sourceKey, rendition: rendition.name, width: rendition.width,
                        height: rendition.height, fileExtension: rendition.format.fileExtension)
                    let outputPath = URL(fileURLWithPath: outputDirectory).appendingPathComponent(key).path
                    try Self.write(rendition.data, to: outputPath)
                    manifest.renditions.append(JobManifest.Output(
                        name: rendition.name, path: outputPath, format: rendition.format,
                        contentType: rendition.format.mediaType, width: rendition.width,
                        height: rendition.height, bytes: rendition.data.count))
                }
            } catch {
                manifest.error = JobManifest.Failure(code: error.code.description, message: error.message,
                                                     retryable: error.isRetryable)
            }
            return manifest
        }
    }

    /// Processes many files, at most `concurrency` at once, calling `report` as each finishes.
    ///
    /// Inputs whose names collide (same file name in different folders) would overwrite each other's
    /// outputs: the later ones fail instead.
    package func processAll(
        paths: [String], outputDirectory: String, report: @Sendable (JobManifest) async -> Void
    ) async {
        var firstPathForKey: [String: String] = [:]
        await withTaskGroup(of: JobManifest.self) { group in
            var inFlight = 0
            for path in paths {
                let key = Self.sourceKey(forPath: path)
                if let first = firstPathForKey[key] {
                    var manifest = JobManifest(input: path)
                    manifest.error = JobManifest.Failure(
                        code: WorkerError.Code.outputUnwritable.description,
                        message: "has the same file name as \(first); its outputs would overwrite those; rename one",
                        retryable: false)
                    await report(manifest)
                    continue
                }
                firstPathForKey[key] = path
                if inFlight == pool.threadCount, let finished = await group.next() {
                    inFlight -= 1
                    await report(finished)
                }
                group.addTask { await process(path: path, outputDirectory: outputDirectory) }
                inFlight += 1
            }
            for await finished in group {
                await report(finished)
            }
        }
    }

    private static func read(_ path: String, limit: Int) throws(WorkerError) -> [UInt8] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw WorkerError(.inputUnreadable, "\(path) is a folder; give the files in it (e.g. \(path)/*)")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > limit {
            throw WorkerError(imaging: ImagingError(.tooLarge, "the file is \(size) bytes; the limit is \(limit) (limits.max_input_bytes)"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkerError(.inputUnreadable, "cannot read \(path): check that it exists and is a readable file")
        }
        return [UInt8](data)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(WorkerError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw WorkerError(.outputUnwritable, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
