import ArgumentParser
import Foundation
import Imaging
import WorkerCore

/// The options `process` and `bench` share: where the configuration comes from and flags that override it.
struct RenditionOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Configuration file (YAML). Default: ./worker.conf when present, else built-in defaults. THUMBWORKER_* environment variables override it."
    )
    var config: String?

    @Option(
        name: .long,
        help:
            "A rendition NAME=SIZE[,field=value…], e.g. small=320x320,fit=cover,format=webp,quality=75. Repeatable; replaces the configured renditions."
    )
    var rendition: [String] = []

    @Option(name: .long, help: "Box width in pixels, for every rendition.")
    var width: Int?

    @Option(name: .long, help: "Box height in pixels, for every rendition.")
    var height: Int?

    @Option(name: .long, help: "inside | cover | fill | contain, for every rendition.")
    var fit: String?

    @Option(name: .long, help: "jpeg | png | webp | avif | gif | auto, for every rendition.")
    var format: String?

    @Option(name: .long, help: "Quality 1-100, for every rendition.")
    var quality: Int?

    @Option(name: .long, help: "Output name template, e.g. '{stem}-{name}.{ext}'.")
    var keyTemplate: String?

    @Option(name: .long, help: "Images processed at once (default: one per core).")
    var concurrency: Int?

    /// The configuration file, then these flags over it; every problem is reported at once.
    ///
    /// `writesOutputs: false` skips the check that renditions get distinct output names.
    func loadConfiguration(writesOutputs: Bool = true) throws(ConfigurationError) -> WorkerConfiguration {
        var configuration = try WorkerConfiguration.load(
            orDefaultAt: config, environment: ProcessInfo.processInfo.environment)
        var problems: [String] = []
        if !rendition.isEmpty {
            configuration.renditions = []
            for line in rendition {
                do {
                    configuration.renditions.append(try RenditionSpec(parsing: line))
                } catch {
                    problems.append(contentsOf: error.problems.map { "--rendition \($0)" })
                }
            }
        }
        let overrides: [(String, String?)] = [
            ("width", width.map(String.init)), ("height", height.map(String.init)), ("fit", fit),
            ("format", format), ("quality", quality.map(String.init)),
        ]
        for case (let field, let value?) in overrides {
            var probe = RenditionSpec(name: "flags")
            if let problem = probe.apply(field, value) {
                problems.append("--\(field): \(problem)")
                continue
            }
            for index in configuration.renditions.indices {
                _ = configuration.renditions[index].apply(field, value)
            }
        }
        for spec in configuration.renditions {
            problems.append(contentsOf: spec.problems())
        }
        if let keyTemplate {
            do {
                configuration.keyTemplate = try KeyTemplate(keyTemplate)
            } catch {
                problems.append(contentsOf: error.problems.map { "--key-template: \($0)" })
            }
        }
        if let concurrency {
            if concurrency < 1 {
                problems.append("--concurrency \(concurrency): give 1 or more")
            }
            configuration.concurrency = concurrency
        }
        if problems.isEmpty {
            problems = configuration.crossCheckProblems(checkingOutputKeys: writesOutputs)
        }
        guard problems.isEmpty else {
            throw ConfigurationError(problems: problems, source: "flags")
        }
        return configuration
    }
}
