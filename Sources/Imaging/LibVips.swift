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
            let result = Result { () throws(ImagingError) in
                try call(.libvipsUnavailable, "libvips failed to start; is libvips-dev (8.13 or newer) installed?") {
                    thumb_vips_start("thumbworker", &options, $0)
                }
            }
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

    /// Runs one shim call, which reads libvips' error text itself when it fails; a failure becomes an `ImagingError`
    /// with that text.
    static func call(
        _ code: ImagingError.Code, _ message: @autoclosure () -> String,
        _ body: (UnsafeMutablePointer<ThumbVipsError>) -> Int32
    ) throws(ImagingError) {
        var error = ThumbVipsError()
        guard body(&error) == 0 else {
            let text = error.message.map { message in
                defer { thumb_vips_free(message) }
                return String(cString: message)
            }
            throw ImagingError(code, message(), libvipsMessage: text, libvipsMessageIsShared: error.shared != 0)
        }
    }

    /// Runs `work`, and runs it again with libvips to itself when it failed while another thread was in libvips, so
    /// the error carries this work's libvips text alone.
    ///
    /// libvips keeps one error buffer for the process and its worker threads write to it while a call runs; a call
    /// that overlapped another cannot tell their words apart (the shim marks its error `libvipsMessageIsShared`).
    /// libvips failures are deterministic, so the second run fails the same way, this time on its own. Only failures
    /// pay: the work that succeeds runs once, in parallel with the rest.
    static func isolatingFailures<Result>(
        _ work: () throws(ImagingError) -> Result
    ) throws(ImagingError) -> Result {
        do {
            return try work()
        } catch {
            guard error.libvipsMessageIsShared else { throw error }
            thumb_vips_exclusive_begin()
            defer { thumb_vips_exclusive_end() }
            return try work()
        }
    }

    /// The libvips version, e.g. `8.14.1`.
    static var version: String {
        String(cString: vips_version_string())
    }
}
