import TestSupport
import Testing

@testable import Imaging

/// A thumbnailer with default settings (libvips started once per process), adjusted by `configure`.
func thumbnailer(_ configure: (inout ImagingSettings) -> Void = { _ in }) throws -> Thumbnailer {
    var settings = ImagingSettings()
    configure(&settings)
    return try Thumbnailer(settings: settings)
}

/// A rendition with a box of `width` × `height` (nil lets the other side decide), adjusted by `configure`.
func rendition(
    _ width: Int?, _ height: Int? = nil, name: String = "t", _ configure: (inout RenditionSpec) -> Void = { _ in }
) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width, height: height)
    configure(&spec)
    return spec
}

/// Where the imaging tests render and read pixels: not on Swift's cooperative threads, which the servers of the suites
/// running beside them need meanwhile (renders held there starved the metrics server's test past its deadline).
let renderingPool = ImagingPool(threadCount: 2)

/// Runs `work` (renders, pixel reads) on the rendering pool; returns what it returns, or throws what it throws. The
/// test's expectations stay outside `work`: on a pool thread there is no current test to record them against.
func offCooperativeThreads<Success: Sendable>(
    _ work: @escaping @Sendable () throws -> Success
) async throws -> Success {
    try await renderingPool.run { () throws(ImagingError) in Result { try work() } }.get().get()
}

/// The rendering pool's threads as a task executor, for a test whose heavy work runs inside a synchronous callback
/// that records issues itself (`FuzzRun.measure`): `withTaskExecutorPreference(RenderingThreads())` runs the test's
/// own task there, so its current test, and every issue recorded, stay with it.
final class RenderingThreads: TaskExecutor {
    /// Runs `job` on a rendering pool thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queued = renderingPool.enqueue { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        precondition(queued, "the rendering pool is never shut down")
    }
}

extension Thumbnailer {
    /// `render` on the rendering pool.
    func rendered(
        _ data: [UInt8], renditions: [RenditionSpec], strategy: DecodeStrategy = .decodeOnce
    ) async throws -> RenderResult {
        try await offCooperativeThreads { try render(data, renditions: renditions, strategy: strategy) }
    }
}

/// Renders one rendition of a testdata file through every step, and decodes the output, on the rendering pool.
func renderOne(
    _ file: String, _ spec: RenditionSpec, settings: (inout ImagingSettings) -> Void = { _ in }
) async throws -> (RenderResult, DecodedImage) {
    let result = try await thumbnailer(settings).rendered(Testdata.bytes(file), renditions: [spec])
    let output = try #require(result.renditions.first)
    return (result, try await DecodedImage.offCooperativeThreads(output.data))
}

extension Array where Element == UInt8 {
    /// Whether the bytes contain `needle` somewhere.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
