import Foundation
import Imaging
import Yams

extension WorkerConfiguration {
    /// The top-level sections a configuration file may have.
    static let sections = [
        "renditions", "output", "limits", "imaging", "queue", "source", "destination", "local", "aws", "notifiers",
        "logging", "metrics",
    ]

    /// Reads a YAML configuration file, with `THUMBWORKER_…` environment variables over it; every problem is reported at once.
    package static func load(path: String, environment: [String: String] = [:]) throws(ConfigurationError) -> WorkerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(problems: ["cannot read the file (does it exist and is it readable?)"], source: path)
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), source: path, environment: environment)
    }

    /// Reads `path`, or `./worker.conf` when no path is given and it exists, or only the environment over the defaults.
    package static func load(orDefaultAt path: String?, environment: [String: String]) throws(ConfigurationError) -> WorkerConfiguration {
        if let path = path ?? (FileManager.default.fileExists(atPath: "worker.conf") ? "worker.conf" : nil) {
            return try load(path: path, environment: environment)
        }
        return try parse(yaml: "", source: "environment", environment: environment)
    }

    /// Parses YAML text over the defaults, then environment variables over it; absent keys keep their default.
    package static func parse(
        yaml: String, source: String, environment: [String: String] = [:]
    ) throws(ConfigurationError) -> WorkerConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(problems: ["not valid YAML: \(error)"], source: source)
        }
        var configuration = WorkerConfiguration()
        let reader = ConfigReader(environment: environment.filter { $0.key.hasPrefix("THUMBWORKER_") })
        let top = root.map { reader.mapping($0, at: "") } ?? ConfigMapping(path: "", pairs: [], environment: reader.environment)
        if let top {
            configuration.read(top, reader)
        }
        let problems = reader.problems + (reader.problems.isEmpty ? configuration.crossCheckProblems() : [])
        guard problems.isEmpty else { throw ConfigurationError(problems: problems, source: source) }
        return configuration
    }

    private mutating func read(_ top: ConfigMapping, _ reader: ConfigReader) {
        if let list = top.value("renditions") {
            if let oneLine = list.scalar?.string, reader.environment[ConfigReader.environmentName("renditions")] != nil {
                renditions = readRenditions(oneLine: oneLine, reader)
            } else if let items = reader.sequence(list, at: "renditions") {
                renditions = items.enumerated().compactMap { index, item in
                    readRendition(item, path: "renditions[\(index)]", reader)
                }
            }
        }
        if let output = top.section("output", reader) {
            if let pattern = output.string("key_template", reader) {
                do {
                    keyTemplate = try KeyTemplate(pattern)
                } catch {
                    reader.problems.append(contentsOf: error.problems.map { "output.key_template: \($0)" })
                }
            }
            if let value = output.string("cache_control", reader) {
                cacheControl = value.isEmpty ? nil : value
            }
            output.reportUnknownKeys(known: ["key_template", "cache_control"], reader)
        }
        if let limits = top.section("limits", reader) {
            readLimits(limits, reader)
        }
        if let section = top.section("imaging", reader) {
            readImaging(section, reader)
        }
        if let section = top.section("queue", reader) {
            readQueue(section, reader)
        }
        readStorage(source: top.section("source", reader), destination: top.section("destination", reader),
                    local: top.section("local", reader), reader)
        if let section = top.section("aws", reader) {
            readAWS(section, reader)
        }
        if let node = top.value("notifiers") {
            readNotifiers(node, reader)
        }
        readObservability(logging: top.section("logging", reader), metrics: top.section("metrics", reader), reader)
        top.reportUnknownKeys(known: Self.sections, reader)
    }

    /// Renditions from `THUMBWORKER_RENDITIONS`: one-line specifications separated by `;`.
    private func readRenditions(oneLine: String, _ reader: ConfigReader) -> [RenditionSpec] {
        oneLine.split(separator: ";").compactMap { line -> RenditionSpec? in
            do throws(ConfigurationError) {
                return try RenditionSpec(parsing: String(line).trimmingCharacters(in: .whitespaces))
            } catch {
                reader.problems.append(
                    contentsOf: error.problems.map { "renditions (from THUMBWORKER_RENDITIONS): \($0)" })
                return nil
            }
        }
    }

    private func readRendition(_ node: Node, path: String, _ reader: ConfigReader) -> RenditionSpec? {
        guard let mapping = reader.mapping(node, at: path) else { return nil }
        let fields = mapping.pairs.compactMap { pair -> (name: String, value: String)? in
            guard let value = pair.value.scalar?.string else {
                reader.problems.append("\(path).\(pair.key): give a single value, not a list or a mapping")
                return nil
            }
            return (pair.key, value)
        }
        var problems: [String] = []
        let spec = RenditionSpec.parse(fields: fields, problems: &problems)
        reader.problems.append(contentsOf: problems.map { "\(path) \($0)" })
        return spec
    }

    private mutating func readLimits(_ limits: ConfigMapping, _ reader: ConfigReader) {
        if let value = limits.integer("max_input_bytes", in: 1...Int(Int32.max) * 4, reader) {
            imaging.limits.maxInputBytes = value
        }
        if let value = limits.integer("max_pixels", in: 1...1_000_000_000, reader) {
            imaging.limits.maxPixels = value
        }
        if let value = limits.integer("max_frames", in: 1...100_000, reader) {
            imaging.limits.maxFrames = value
        }
        if let node = limits.value("allowed_formats"),
           let names = node.scalar.map({ $0.string.split(separator: ",").map(String.init) })
            ?? reader.sequence(node, at: "limits.allowed_formats")?.map({ $0.scalar?.string ?? "" }) {
            var formats: Set<ImageFormat> = []
            for name in names {
                let text = name.trimmingCharacters(in: .whitespaces)
                if let format = ImageFormat(rawValue: text.lowercased()) {
                    formats.insert(format)
                } else {
                    let known = ImageFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.problems.append("limits.allowed_formats: '\(text)' is not one of \(known)")
                }
            }
            imaging.limits.allowedFormats = formats
        }
        limits.reportUnknownKeys(known: ["max_input_bytes", "max_pixels", "max_frames", "allowed_formats"], reader)
    }

    private mutating func readImaging(_ section: ConfigMapping, _ reader: ConfigReader) {
        if let text = section.string("background", reader) {
            if let colour = RGBColor(hex: text) {
                imaging.background = colour
            } else {
                reader.problems.append("imaging.background: '\(text)' is not a colour like '#ffffff'")
            }
        }
        if let value = section.flag("placeholder", reader) {
            imaging.placeholder = value
        }
        if let value = section.integer("concurrency", in: 0...1024, reader) {
            concurrency = value
        }
        if let value = section.integer("memory_budget_mb", in: 0...1_048_576, reader) {
            memoryBudgetBytes = value << 20
        }
        if let quality = section.section("quality", reader) {
            if let value = quality.integer("jpeg", in: 1...100, reader) { imaging.quality.jpeg = value }
            if let value = quality.integer("webp", in: 1...100, reader) { imaging.quality.webp = value }
            if let value = quality.integer("avif", in: 1...100, reader) { imaging.quality.avif = value }
            quality.reportUnknownKeys(known: ["jpeg", "webp", "avif"], reader)
        }
        section.reportUnknownKeys(known: ["background", "placeholder", "concurrency", "memory_budget_mb", "quality"], reader)
    }
}
