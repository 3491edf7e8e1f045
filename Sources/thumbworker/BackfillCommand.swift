import ArgumentParser
import Backfill
import Foundation
import Imaging
import Logging
import Synchronization
import WorkerCore

/// `thumbworker backfill`: makes the thumbnails existing originals lack, through the fleet or here.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Make the missing or outdated thumbnails of the originals already in a bucket.",
        discussion: """
            Lists s3://BUCKET/PREFIX (the local backend's bucket of that name without queue.url) page by page. An \
            original whose every configured rendition has a thumbnail made from its current version (entity tag) with \
            today's spec is skipped without being downloaded; for any other, the S3 event S3 would have sent is \
            enqueued so the fleet renders what is missing (--enqueue, the default), or it is rendered here \
            (--process). A checkpoint is written after each page; --resume continues from it after a crash or \
            Ctrl-C, redoing at most one page. Exit status: 0 when done, 1 when some originals failed or the backfill \
            stopped (the message says why; --resume continues), 2 when the flags or the configuration are invalid.
            """
    )

    /// Where the originals' work goes.
    enum Mode: String, EnumerableFlag {
        /// Enqueue S3 events for the fleet.
        case enqueue
        /// Render here.
        case process

        static func help(for value: Mode) -> ArgumentHelp? {
            switch value {
            case .enqueue: "Enqueue each original's S3 event for the fleet to render (the default)."
            case .process: "Render here, with the worker's job path and imaging pool."
            }
        }
    }

    @Argument(help: "The originals: s3://BUCKET or s3://BUCKET/PREFIX.")
    var target: String

    @Flag var mode: Mode = .enqueue

    @Flag(name: .long, help: "Count what would be enqueued, rendered or pruned (and the bytes), change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Delete thumbnails of renditions no longer in the configuration.")
    var prune = false

    @Option(name: .long, help: "Only originals modified at or after this time (2026-01-31 or 2026-01-31T12:00:00Z).")
    var since: String?

    @Option(name: .long, help: "Only originals modified before this time.")
    var until: String?

    @Option(name: .long, help: "Only keys matching this glob (* any characters, / included; ? one), e.g. '*.jpg'.")
    var match: String?

    @Option(name: .long, help: "At most this many enqueues or renders a second.")
    var maxRate: Double?

    @Option(name: .long, help: "Objects per listing request, 1–1000.")
    var pageSize = 1000

    @Option(name: .long, help: "The checkpoint file, written after each page.")
    var checkpoint = "thumbworker-backfill.json"

    @Flag(name: .long, help: "Continue the backfill the checkpoint file describes.")
    var resume = false

    @Flag(name: .long, help: "Print the final summary as one JSON object.")
    var json = false

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "thumbworker")
        logger.logLevel = .warning
        let configuration: WorkerConfiguration
        let options: Backfill.Options
        let start: BackfillCheckpoint
        do {
            configuration = try WorkerConfiguration.load(orDefaultAt: config, environment: environment)
            options = try backfillOptions(configuration)
            start = try startingPoint(options)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        if start.finished && !prune {
            Terminal.standardOutput("backfill: \(checkpoint) says this backfill is finished; nothing to do")
            return
        }
        let backends: WorkerBackends
        let pipeline: ThumbnailPipeline
        do {
            backends = try await WorkerBackends(configuration: configuration, environment: environment, logger: logger)
            pipeline = try ThumbnailPipeline(settings: configuration.pipelineSettings)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let destination = OutputLocation(
            store: backends.store, bucket: configuration.storage.destinationBucket,
            prefix: configuration.storage.destinationPrefix)
        let action: Backfill.Action =
            switch mode {
            case .enqueue: .enqueue(backends.queue)
            case .process:
                .process(
                    UploadProcessor(
                        pipeline: pipeline, destination: destination, workerID: WorkerIdentity.current,
                        reusesCurrentOutputs: configuration.storage.reuseCurrentOutputs))
            }
        let backfill = Backfill(
            store: backends.store, pipeline: pipeline, destination: destination, action: action, options: options,
            logger: logger)
        let uncheckable = backfill.uncheckableRenditions
        if !uncheckable.isEmpty {
            Terminal.standardError(
                "backfill: the keys of \(uncheckable.joined(separator: ", ")) are known only after rendering "
                    + "({width}/{height} in output.key_template, or format auto), so every original counts as lacking them"
            )
        }
        let started = ContinuousClock.now
        let checkpointPath = checkpoint
        let progress = Self.progressDisplay(mode: mode, json: json)
        let shown = Mutex(start.tally)
        let alreadyHandled = start.tally.handled
        let outcome: Result<BackfillCheckpoint, BackfillError> = await progress.showing {
            do throws(BackfillError) {
                return .success(
                    try await backfill.run(
                        from: start,
                        save: { (checkpoint) throws(BackfillError) in try checkpoint.save(to: checkpointPath) },
                        progress: { tally in shown.withLock { Self.show(tally, since: &$0, on: progress) } },
                        total: { progress.setTotal($0 - alreadyHandled) }))
            } catch {
                return .failure(error)
            }
        }
        _ = progress.finish(headline: "backfill, this run", to: .error)
        pipeline.pool.shutdown()
        await backends.shutdown()
        let seconds = started.secondsUntilNow(ContinuousClock())
        switch outcome {
        case .success(let finished):
            Terminal.standardOutput(summary(finished.tally, seconds: seconds, target: options))
            if finished.tally.failed > 0 { throw ExitCode(1) }
        case .failure(let error):
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(1)
        }
    }

    /// The live progress of this run on a terminal (a plain line every 10 s otherwise; nothing with `--json`).
    private static func progressDisplay(mode: Mode, json: Bool) -> ProgressDisplay {
        let work = mode == .enqueue ? "enqueued" : "rendered"
        return ProgressDisplay(
            counters: ["listed", "left out", "current", work, "failed"], completed: ["current", work, "failed"],
            style: json ? .quiet : .automatic(json: false))
    }

    /// Adds to the display what `tally` counts beyond `last`, and makes it the new `last` (a run changes only one of
    /// enqueued and rendered, the one its display shows).
    private static func show(_ tally: BackfillTally, since last: inout BackfillTally, on progress: ProgressDisplay) {
        let changes = [
            ("listed", tally.listed - last.listed), ("left out", tally.filteredOut - last.filteredOut),
            ("current", tally.current - last.current),
            ("enqueued", tally.enqueued - last.enqueued), ("rendered", tally.rendered - last.rendered),
            ("failed", tally.failed - last.failed),
        ]
        for (name, amount) in changes where amount != 0 {
            progress.add(amount, to: name)
        }
        last = tally
    }

    /// The options the flags and the configuration give; a problem a person must fix is thrown.
    private func backfillOptions(_ configuration: WorkerConfiguration) throws -> Backfill.Options {
        let location = target.hasPrefix("s3://") ? String(target.dropFirst("s3://".count)) : target
        let bucket = String(location.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw BackfillError(.invalidOptions, "\(target): write s3://BUCKET/PREFIX") }
        let sources = configuration.storage.sourceBuckets
        guard sources.isEmpty || sources.contains(bucket) else {
            throw BackfillError(
                .invalidOptions,
                "the worker skips uploads to \(bucket): source.buckets is \(sources); add \(bucket) to it, or backfill one of those"
            )
        }
        guard (1...1000).contains(pageSize) else {
            throw BackfillError(.invalidOptions, "--page-size \(pageSize) is not between 1 and 1000")
        }
        if let maxRate, !(maxRate > 0) {
            throw BackfillError(.invalidOptions, "--max-rate \(maxRate) must be more than 0")
        }
        var options = Backfill.Options(bucket: bucket)
        options.prefix = String(location.dropFirst(bucket.count + 1))
        options.pageSize = pageSize
        options.since = try since.map { try Self.time($0, flag: "--since") }
        options.until = try until.map { try Self.time($0, flag: "--until") }
        options.match = match.map(KeyPattern.init)
        options.maxRate = maxRate
        options.prune = prune
        options.dryRun = dryRun
        options.region = configuration.aws.region ?? "local"
        return options
    }

    /// The checkpoint to start from: the file's with `--resume`, else a new one.
    private func startingPoint(_ options: Backfill.Options) throws -> BackfillCheckpoint {
        let fresh = BackfillCheckpoint(bucket: options.bucket, prefix: options.prefix, filters: options.filters)
        guard resume else { return fresh }
        guard let saved = try BackfillCheckpoint.load(from: checkpoint) else {
            throw BackfillError(.checkpointUnusable, "--resume: there is no checkpoint at \(checkpoint)")
        }
        if let mismatch = saved.mismatch(bucket: options.bucket, prefix: options.prefix, filters: options.filters) {
            throw BackfillError(
                .checkpointUnusable, "--resume: \(checkpoint) belongs to another backfill: \(mismatch)")
        }
        return saved
    }

    /// A time given as a date (midnight UTC) or an ISO 8601 date and time.
    private static func time(_ text: String, flag: String) throws -> Date {
        let full = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let time = full.date(from: text) ?? day.date(from: text) else {
            throw BackfillError(.invalidOptions, "\(flag) \(text): write 2026-01-31 or 2026-01-31T12:00:00Z")
        }
        return time
    }

    /// The final summary: one line for a person, or a JSON object with `--json`.
    private func summary(_ tally: BackfillTally, seconds: Double, target options: Backfill.Options) -> String {
        let rate = seconds > 0 ? Double(tally.handled) / seconds : 0
        if json {
            struct Summary: Encodable {
                let bucket: String
                let prefix: String
                let mode: String
                let dryRun: Bool
                let tally: BackfillTally
                let seconds: Double
                let originalsPerSecond: Double
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let summary = Summary(
                bucket: options.bucket, prefix: options.prefix, mode: mode.rawValue, dryRun: dryRun, tally: tally,
                seconds: seconds, originalsPerSecond: rate)
            return String(decoding: (try? encoder.encode(summary)) ?? Data(), as: UTF8.self)
        }
        let would = dryRun ? "would be " : ""
        var parts = [
            "\(tally.listed) listed", "\(tally.filteredOut) left out", "\(tally.current) current",
            mode == .enqueue
                ? "\(tally.enqueued) \(would)enqueued" : "\(tally.rendered) \(would)rendered",
            "\(tally.failed) failed",
        ]
        if prune { parts.append("\(tally.pruned) \(would)pruned") }
        return "backfill of s3://\(options.bucket)/\(options.prefix): " + parts.joined(separator: ", ")
            + String(
                format: " (%.1f MB of originals) in %.1f s, %.1f originals/s", Double(tally.bytes) / 1e6, seconds, rate)
    }
}
