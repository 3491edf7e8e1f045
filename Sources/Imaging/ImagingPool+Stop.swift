import CVipsShim

extension ImagingPool {
    /// Runs `work` like `run`, and when the awaiting task is cancelled also stops the job's libvips work at its next
    /// tile, freeing the pool thread sooner; a decode libvips cannot interrupt finishes unwatched, as with `run`.
    package func runStoppable<Success: Sendable>(
        _ work: @escaping @Sendable () throws(ImagingError) -> Success
    ) async -> Result<Success, ImagingError> {
        let stop = LibVipsStop()
        return await run(onCancel: stop.pull) { () throws(ImagingError) -> Success in try stop.obeyed(by: work) }
    }
}

/// One job's libvips stop switch (`ThumbVipsStop`): pulled from any thread, obeyed by the thread running the job.
final class LibVipsStop: @unchecked Sendable {
    private let pointer: OpaquePointer

    /// A switch not pulled.
    init() {
        pointer = thumb_vips_stop_new()
    }

    deinit {
        thumb_vips_stop_free(pointer)
    }

    /// Kills the libvips evaluation under way in the job, and fails its later ones at once.
    func pull() {
        thumb_vips_stop_pull(pointer)
    }

    /// Runs `work` on the calling thread with the switch attached, so its libvips calls obey it.
    func obeyed<Success>(by work: () throws(ImagingError) -> Success) throws(ImagingError) -> Success {
        thumb_vips_stop_attach(pointer)
        defer { thumb_vips_stop_attach(nil) }
        return try work()
    }
}
