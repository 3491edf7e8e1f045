import CVipsShim
import Synchronization

/// The process-wide libvips runtime: started once, with untrusted loaders blocked.
enum LibVips {
    private static let state = Mutex<Result<Void, ImagingError>?>(nil)

    /// Starts libvips on first use; later calls return the first outcome.
    ///
    /// `concurrency` is the number of threads libvips uses inside one image's pipeline. thumbworker runs
    /// several images at once on its own bounded pool, so one thread per pipeline avoids oversubscription.
    static func start(concurrency: Int = 1) throws(ImagingError) {
        let outcome = state.withLock { started -> Result<Void, ImagingError> in
            if let started { return started }
            // The operation cache only helps when the same operation runs twice on the same input, which a
            // thumbnailer never does; keep it tiny so it cannot pin decoded images in memory.
            var options = ThumbVipsStartOptions(
                concurrency: Int32(concurrency), cache_max_operations: 0,
                cache_max_bytes: 0)
            let result: Result<Void, ImagingError> =
                thumb_vips_start("thumbworker", &options) == 0
                ? .success(())
                : .failure(
                    ImagingError(
                        .libvipsUnavailable, "libvips failed to start; is libvips-dev (8.13 or newer) installed?",
                        libvipsMessage: takeError()))
            started = result
            return result
        }
        try outcome.get()
    }

    /// Allows the untrusted loaders of the formats that are explicitly allowed (SVG, PDF, JPEG XL).
    static func allowUntrustedLoaders(for formats: Set<ImageFormat>) {
        let loaders: [ImageFormat: String] = [
            .svg: "VipsForeignLoadSvg", .pdf: "VipsForeignLoadPdf", .jxl: "VipsForeignLoadJxl",
        ]
        for (format, loader) in loaders where formats.contains(format) {
            thumb_vips_set_loader_blocked(loader, 0)
        }
    }

    /// libvips' error buffer, cleared; read it right after the call that failed.
    static func takeError() -> String? {
        guard let message = thumb_vips_error_take() else { return nil }
        defer { thumb_vips_free(message) }
        return String(cString: message)
    }

    /// The libvips version, e.g. `8.14.1`.
    static var version: String {
        String(cString: vips_version_string())
    }
}
