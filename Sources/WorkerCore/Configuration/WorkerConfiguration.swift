import Foundation
package import Imaging

/// The worker's whole configuration: renditions, output naming, limits and image settings.
package struct WorkerConfiguration: Sendable {
    /// The renditions made from every upload.
    package var renditions: [RenditionSpec]
    /// How output keys are named.
    package var keyTemplate: KeyTemplate
    /// The `Cache-Control` header written on every rendition; nil writes none.
    package var cacheControl: String?
    /// Limits, qualities, background and placeholder switch.
    package var imaging: ImagingSettings
    /// Uploads processed at once; 0 means one per core.
    package var concurrency: Int
    /// Worker processes `run` starts under one supervisor; 0 means one per CPU the process may use.
    package var processes = 1
    /// Whether the supervisor binds each process to a CPU of its own when it may use exactly as many CPUs.
    package var pinProcesses = true
    /// The memory, in bytes, that decodes in flight may take together by their header estimate; 0 turns it off.
    package var memoryBudgetBytes = 1024 << 20
    /// The queue and the consumer's pacing.
    package var queue = QueueSettings()
    /// Source and destination buckets.
    package var storage = StorageSettings()
    /// How AWS is reached.
    package var aws = AWSSettings()
    /// Where notifications go.
    package var notifiers: [NotifierSettings] = [.log(printsEvents: true)]
    /// Logs.
    package var observability = ObservabilitySettings()
    /// `thumbworker serve`: the app's API and page.
    package var serve = ServeSettings()

    /// The built-in defaults: the seed app's single 150 px wide JPEG at `{key}.{ext}`.
    package init() {
        var thumb = RenditionSpec(name: "thumb", width: 150)
        thumb.format = .jpeg
        renditions = [thumb]
        keyTemplate = try! KeyTemplate("{key}.{ext}")
        cacheControl = "public, max-age=86400"
        imaging = ImagingSettings()
        concurrency = 0
    }

    /// Uploads processed at once, resolving 0 to the number of cores.
    package var effectiveConcurrency: Int {
        concurrency > 0 ? concurrency : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Messages the consumer holds at once: `queue.max_in_flight`, or twice the imaging concurrency when that is 0.
    package var effectiveMaxInFlight: Int {
        queue.consumer.maxInFlight(imagingThreads: effectiveConcurrency)
    }

    /// Problems that only show when the parts are combined, e.g. two renditions writing the same key.
    ///
    /// `checkingOutputKeys: false` skips the key check, for uses that write nothing (the benchmark).
    package func crossCheckProblems(checkingOutputKeys: Bool = true) -> [String] {
        var problems: [String] = []
        var seenNames: Set<String> = []
        var seenKeys: [String: String] = [:]
        for rendition in renditions {
            if !seenNames.insert(rendition.name).inserted {
                problems.append("renditions: the name '\(rendition.name)' is used twice")
            }
            guard checkingOutputKeys else { continue }
            let formats: [ImageFormat] = rendition.format.fixedFormat.map { [$0] } ?? [.jpeg, .png]
            for format in formats {
                let key = keyTemplate.expand(
                    sourceKey: "photos/example.jpg", rendition: rendition.name,
                    width: rendition.width ?? 0, height: rendition.height ?? 0,
                    fileExtension: format.fileExtension)
                if let other = seenKeys[key], other != rendition.name {
                    problems.append(
                        "output.key_template '\(keyTemplate)' gives renditions '\(other)' and '\(rendition.name)' the same key (\(key)); add {name} to it"
                    )
                }
                seenKeys[key] = rendition.name
            }
        }
        if renditions.isEmpty {
            problems.append("renditions: give at least one rendition")
        }
        if storage.destinationPrefix.isEmpty
            && (storage.sourceBuckets.isEmpty || storage.sourceBuckets.contains(storage.destinationBucket))
        {
            problems.append(
                "destination.bucket '\(storage.destinationBucket)' may also be a source bucket and destination.prefix is empty: the worker would make thumbnails of its own thumbnails; list the upload buckets in source.buckets without it, or set destination.prefix"
            )
        }
        return problems
    }
}
