import Imaging
package import Logging

extension UploadProcessor {
    /// Runs objects no event announced (`thumbworker process`) through the job path, at most as many at once as the
    /// imaging pool has threads, calling `report` as each finishes.
    ///
    /// Objects with the same key (the same file name in different folders) would overwrite each other's renditions:
    /// the later ones fail instead.
    package func processAll(
        _ sources: [ObjectLocation], logger: Logger, report: @Sendable (ObjectLocation, JobOutcome) async -> Void
    ) async {
        var firstSourceForKey: [String: String] = [:]
        await withTaskGroup(of: (ObjectLocation, JobOutcome).self) { group in
            var inFlight = 0
            for source in sources {
                if let first = firstSourceForKey[source.key] {
                    let error = WorkerError(
                        .outputUnwritable,
                        "has the same name as \(first); its thumbnails would overwrite those; rename one")
                    let described = ThumbnailEvent.Source(bucket: source.bucket, key: source.key)
                    await report(source, .failed(failedEvent(source: described, error: error, attempt: 1)))
                    continue
                }
                firstSourceForKey[source.key] = source.displayName
                if inFlight == pipeline.pool.threadCount, let (finished, outcome) = await group.next() {
                    inFlight -= 1
                    await report(finished, outcome)
                }
                group.addTask {
                    let upload = ObjectCreatedEvent(bucket: source.bucket, key: source.key)
                    return (source, await process(upload, in: source.store, attempt: 1, logger: logger))
                }
                inFlight += 1
            }
            for await (finished, outcome) in group {
                await report(finished, outcome)
            }
        }
    }
}
