package import Foundation
import Imaging
package import Logging
import Synchronization
package import WorkerCore

/// Brings existing originals up to date: lists a bucket page by page, skips originals whose every thumbnail is
/// current (one HEAD per rendition, no download), and enqueues the S3 event of each other one for the fleet or
/// renders it here; with `prune`, then deletes thumbnails of renditions no longer configured.
package struct Backfill: Sendable {
    /// What is done with an original that lacks a current thumbnail.
    package enum Action: Sendable {
        /// Send the S3 event S3 would have sent to this queue: the fleet renders what is missing.
        case enqueue(any MessageQueue)
        /// Render it here through the worker's job path and imaging pool.
        case process(UploadProcessor)
    }

    /// What to list and how fast to go.
    package struct Options: Sendable {
        /// The bucket of the originals.
        package var bucket: String
        /// Only keys starting with this.
        package var prefix = ""
        /// Objects per listing request (S3 gives at most 1,000).
        package var pageSize = 1000
        /// Only objects modified at or after this.
        package var since: Date?
        /// Only objects modified before this.
        package var until: Date?
        /// Only keys matching this glob.
        package var match: KeyPattern?
        /// At most this many enqueues or renders a second.
        package var maxRate: Double?
        /// Whether thumbnails of renditions no longer configured are deleted at the end.
        package var prune = false
        /// Whether nothing is enqueued, rendered or deleted: only counted.
        package var dryRun = false
        /// Originals checked (HEAD requests) at once.
        package var checksInFlight = 16
        /// The region named in enqueued events.
        package var region = "us-east-1"

        /// Options for `bucket`, everything else at its default.
        package init(bucket: String) {
            self.bucket = bucket
        }

        /// The filters, as a checkpoint records them.
        package var filters: String {
            let format = ISO8601DateFormatter()
            return [
                since.map { "since \(format.string(from: $0))" }, until.map { "until \(format.string(from: $0))" },
                match.map { "match \($0)" },
            ].compactMap { $0 }.joined(separator: ", ")
        }
    }

    /// Where the originals are.
    package var store: any ObjectStore
    /// The renditions and their naming, to check outputs against.
    package var pipeline: ThumbnailPipeline
    /// Where thumbnails are.
    package var destination: OutputLocation
    /// Enqueue or render.
    package var action: Action
    /// What to list and how.
    package var options: Options
    /// Where failures of single originals are logged.
    package var logger: Logger

    /// Creates a backfill.
    package init(
        store: any ObjectStore, pipeline: ThumbnailPipeline, destination: OutputLocation, action: Action,
        options: Options, logger: Logger
    ) {
        self.store = store
        self.pipeline = pipeline
        self.destination = destination
        self.action = action
        self.options = options
        self.logger = logger
    }

    /// The renditions whose outputs cannot be checked without rendering (`{width}`/`{height}` keys, `auto` format):
    /// every original counts as lacking them.
    package var uncheckableRenditions: [String] {
        pipeline.settings.renditions.filter {
            $0.format.fixedFormat == nil || pipeline.settings.keyTemplate.dependsOnOutputSize
        }.map(\.name)
    }

    /// Runs from `checkpoint` to the end of the listing, calling `save` after each page's work is done and
    /// `progress` after each original, and `total` once the number of originals to handle is known; returns the
    /// final checkpoint. A failure that outlasts the retries stops it with the last saved checkpoint intact.
    package func run(
        from checkpoint: BackfillCheckpoint, save: @Sendable (BackfillCheckpoint) throws(BackfillError) -> Void,
        progress: @escaping @Sendable (BackfillTally) -> Void, total: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws(BackfillError) -> BackfillCheckpoint {
        let tally = TallyBox(checkpoint.tally, progress: progress)
        var checkpoint = checkpoint
        let pacer = Pacer(perSecond: options.maxRate)
        let outcome: Result<Void, BackfillError> = await withTaskGroup(of: Void.self) { group in
            if !checkpoint.finished {
                let (start, alreadyHandled) = (checkpoint.after, checkpoint.tally.handled)
                group.addTask { await countAhead(after: start) { total(alreadyHandled + $0) } }
            }
            defer { group.cancelAll() }
            do throws(BackfillError) {
                while !checkpoint.finished {
                    let page = try await retrying("list s3://\(options.bucket)/\(options.prefix)") {
                        () async throws(WorkerError) in
                        try await store.list(
                            bucket: options.bucket, prefix: options.prefix, after: checkpoint.after,
                            limit: options.pageSize)
                    }
                    try await handle(page.objects, tally: tally, pacer: pacer)
                    tally.update { $0.pages += 1 }
                    checkpoint.after = page.objects.last?.key ?? checkpoint.after
                    checkpoint.finished = !page.isTruncated || page.objects.isEmpty
                    checkpoint.tally = tally.value
                    checkpoint.written = Date()
                    try save(checkpoint)
                }
                if options.prune {
                    try await prune(tally: tally)
                    checkpoint.tally = tally.value
                    try save(checkpoint)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
        return checkpoint
    }

    /// Whether a listed object is an original this backfill is about.
    private func includes(_ object: ListedObject) -> Bool {
        if options.bucket == destination.bucket && !destination.prefix.isEmpty
            && object.key.hasPrefix(destination.prefix)
        {
            return false
        }
        if let since = options.since, (object.lastModified ?? .distantFuture) < since { return false }
        if let until = options.until, (object.lastModified ?? .distantPast) >= until { return false }
        if let match = options.match, !match.matches(object.key) { return false }
        return true
    }

    /// Checks and enqueues, or renders, one page's originals, some at once.
    private func handle(_ objects: [ListedObject], tally: TallyBox, pacer: Pacer) async throws(BackfillError) {
        let originals = objects.filter(includes)
        tally.update {
            $0.listed += objects.count
            $0.filteredOut += objects.count - originals.count
        }
        let width: Int
        switch action {
        case .enqueue: width = options.checksInFlight
        case .process(let processor):
            width = options.dryRun ? options.checksInFlight : processor.pipeline.pool.threadCount
        }
        try await Self.forEach(originals, width: width) { (original) async throws(BackfillError) in
            switch action {
            case .enqueue(let queue):
                guard try await lacksThumbnails(original) else { return tally.update { $0.current += 1 } }
                if !options.dryRun {
                    try await pace(pacer)
                    try await enqueue(original, to: queue)
                }
                tally.update {
                    $0.enqueued += 1
                    $0.bytes += original.size
                }
            case .process(let processor):
                if options.dryRun {
                    guard try await lacksThumbnails(original) else { return tally.update { $0.current += 1 } }
                    return tally.update {
                        $0.rendered += 1
                        $0.bytes += original.size
                    }
                }
                try await pace(pacer)
                let outcome = await processor.process(
                    ObjectCreatedEvent(bucket: options.bucket, key: original.key), in: store, attempt: 1,
                    logger: logger)
                record(outcome, of: original, tally: tally)
            }
        }
    }

    /// Whether some configured rendition of `original` is missing, outdated or uncheckable.
    private func lacksThumbnails(_ original: ListedObject) async throws(BackfillError) -> Bool {
        let states = try await retrying("check the thumbnails of \(original.key)") { () async throws(WorkerError) in
            try await pipeline.outputStates(
                of: original.key, version: SourceVersion(eTag: original.eTag), in: destination)
        }
        return states.contains { $0.current == nil }
    }

    /// Sends the S3 event of `original`, as S3 would have sent it on upload (without a sequencer: S3 never gave one).
    private func enqueue(_ original: ListedObject, to queue: any MessageQueue) async throws(BackfillError) {
        let body = S3EventNotification.objectCreated(
            bucket: options.bucket, key: original.key, size: original.size, eTag: original.eTag,
            time: original.lastModified ?? Date(), sequencer: nil, region: options.region)
        try await retrying("enqueue \(original.key)") { () async throws(WorkerError) in
            try await queue.send(body: body)
        }
    }

    /// Counts a rendered original's outcome: reused, rendered, left out or failed (logged with the reason).
    private func record(_ outcome: JobOutcome, of original: ListedObject, tally: TallyBox) {
        switch outcome {
        case .ready(let event) where event.timings == nil:
            tally.update { $0.current += 1 }
        case .ready:
            tally.update {
                $0.rendered += 1
                $0.bytes += original.size
            }
        case .skipped(let reason):
            logger.debug("left out", metadata: ["thumb.key": "\(original.key)", "thumb.reason": "\(reason)"])
            tally.update { $0.filteredOut += 1 }
        case .deleted:
            // Only a removal ends so, never an original listed here.
            tally.update { $0.filteredOut += 1 }
        case .failed(let event), .retry(let event):
            logger.warning(
                "could not render; a plain re-run of the backfill tries it again",
                metadata: ["thumb.key": "\(original.key)", "thumb.error": "\(event.error?.message ?? "unknown")"])
            tally.update { $0.failed += 1 }
        }
    }

    /// Deletes (or, in a dry run, counts) the thumbnails of originals under the prefix that were made for renditions
    /// no longer configured; thumbnails that do not record their rendition are kept.
    private func prune(tally: TallyBox) async throws(BackfillError) {
        let configured = Set(pipeline.settings.renditions.map(\.name))
        var after: String?
        while true {
            let page = try await retrying("list the thumbnails in \(destination.bucket)") {
                () async throws(WorkerError) in
                try await destination.store.list(
                    bucket: destination.bucket, prefix: destination.prefix, after: after, limit: options.pageSize)
            }
            try await Self.forEach(page.objects, width: options.checksInFlight) {
                (thumbnail) async throws(BackfillError) in
                let object = try await retrying("read \(thumbnail.key)") { () async throws(WorkerError) in
                    try await destination.store.head(bucket: destination.bucket, key: thumbnail.key)
                }
                guard let object, object.metadata[ThumbnailMetadata.generatorKey] != nil else { return }
                let recorded = RecordedThumbnail(metadata: object.metadata)
                guard recorded.sourceBucket == options.bucket, let key = recorded.sourceKey,
                    key.hasPrefix(options.prefix), let rendition = recorded.rendition, !configured.contains(rendition)
                else { return }
                if !options.dryRun {
                    try await retrying("delete \(thumbnail.key)") { () async throws(WorkerError) in
                        try await destination.store.delete(bucket: destination.bucket, key: thumbnail.key)
                    }
                }
                tally.update { $0.pruned += 1 }
            }
            guard page.isTruncated, let last = page.objects.last?.key else { return }
            after = last
        }
    }

    /// Lists ahead of the work, only to count the originals left, and reports the count once the listing ends;
    /// gives up quietly on any failure (the count only feeds the ETA).
    private func countAhead(after start: String?, report: @Sendable (Int) -> Void) async {
        var (after, count) = (start, 0)
        while !Task.isCancelled {
            guard
                let page = try? await store.list(
                    bucket: options.bucket, prefix: options.prefix, after: after, limit: options.pageSize)
            else { return }
            count += page.objects.count(where: includes)
            guard page.isTruncated, let last = page.objects.last?.key else { return report(count) }
            after = last
        }
    }

    /// Waits for the pacer, as a backfill error when cancelled.
    private func pace(_ pacer: Pacer) async throws(BackfillError) {
        do {
            try await pacer.wait()
        } catch {
            throw BackfillError(.interrupted, "stopped while pacing to --max-rate; --resume continues")
        }
    }

    /// Runs `operation`, trying a retryable failure again up to four times with a growing pause; a lasting failure
    /// stops the backfill.
    private func retrying<Value>(
        _ what: String, _ operation: () async throws(WorkerError) -> Value
    ) async throws(BackfillError) -> Value {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch  where error.isRetryable && attempt < 5 {
                logger.info("retrying", metadata: ["thumb.what": "\(what)", "thumb.error": "\(error.explanation)"])
                try? await Task.sleep(for: .milliseconds(200 << attempt))
                attempt += 1
            } catch {
                throw BackfillError(
                    .interrupted,
                    "could not \(what): \(error.explanation); fix that and run the backfill again with --resume")
            }
        }
    }

    /// Runs `body` on every element, at most `width` at once; the first failure cancels the rest and is thrown.
    private static func forEach<Element: Sendable>(
        _ elements: [Element], width: Int, _ body: @escaping @Sendable (Element) async throws(BackfillError) -> Void
    ) async throws(BackfillError) {
        let failure: BackfillError? = await withTaskGroup(of: BackfillError?.self) { group in
            var (running, index) = (0, 0)
            while index < elements.count || running > 0 {
                if index < elements.count && running < max(1, width) {
                    let element = elements[index]
                    group.addTask {
                        do throws(BackfillError) {
                            try await body(element)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    (running, index) = (running + 1, index + 1)
                    continue
                }
                if let finished = await group.next() {
                    running -= 1
                    if let error = finished {
                        group.cancelAll()
                        return error
                    }
                }
            }
            return nil
        }
        if let failure { throw failure }
    }
}

/// The running tally, updated from concurrent checks, reporting each change.
private final class TallyBox: Sendable {
    private let tally: Mutex<BackfillTally>
    private let progress: @Sendable (BackfillTally) -> Void

    init(_ start: BackfillTally, progress: @escaping @Sendable (BackfillTally) -> Void) {
        tally = Mutex(start)
        self.progress = progress
    }

    /// The counts now.
    var value: BackfillTally { tally.withLock { $0 } }

    /// Changes the counts and reports the result, in order.
    func update(_ change: (inout BackfillTally) -> Void) {
        // Reported under the lock, so the reports arrive in the order of the changes.
        tally.withLock {
            change(&$0)
            progress($0)
        }
    }
}
