import Foundation
import Imaging
import Yams

extension WorkerConfiguration {
    /// Reads a YAML configuration file, with `THUMBWORKER_…` environment variables over it; every problem is reported at once.
    package static func load(path: String, environment: [String: String] = [:]) throws(ConfigurationError)
        -> WorkerConfiguration
    {
        // Read as a stream, so devices and pipes work too (/dev/null is an empty configuration, as an empty file is).
        let data: Data
        do {
            guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            defer { try? file.close() }
            data = try file.readToEnd() ?? Data()
        } catch {
            throw ConfigurationError(
                problems: ["cannot read the file (does it exist and is it readable?)"], source: path)
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), source: path, environment: environment)
    }

    /// Reads `path`, or `./worker.conf` when no path is given and it exists, or only the environment over the defaults.
    package static func load(orDefaultAt path: String?, environment: [String: String]) throws(ConfigurationError)
        -> WorkerConfiguration
    {
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
        let top =
            root.map { reader.mapping($0, at: "") }
            ?? ConfigMapping(path: "", pairs: [], environment: reader.environment)
        reader.problems += unknownVariableProblems(reader.environment)
        if let top {
            configuration.read(top, reader)
        }
        let problems = reader.problems + (reader.problems.isEmpty ? configuration.crossCheckProblems() : [])
        guard problems.isEmpty else { throw ConfigurationError(problems: problems, source: source) }
        return configuration
    }

    private mutating func read(_ top: ConfigMapping, _ reader: ConfigReader) {
        if let list = top.value("renditions") {
            if let oneLine = list.scalar?.string, reader.environment[ConfigReader.environmentName("renditions")] != nil
            {
                renditions = readRenditions(oneLine: oneLine, reader)
            } else if let items = reader.sequence(list, at: "renditions") {
                renditions = items.enumerated().compactMap { index, item in
                    readRendition(item, path: "renditions[\(index)]", reader)
                }
            }
        }
        var mappings: [String: ConfigMapping] = ["": top]
        for path in ConfigKey.sections {
            let name = String(path.split(separator: ".").last ?? "")
            guard let mapping = mappings[ConfigKey.parent(of: path)]?.section(name, reader) else { continue }
            mappings[path] = mapping
            for key in ConfigKey.table where key.section == path {
                key.read(mapping, reader, &self)
            }
            mapping.reportUnknownKeys(known: ConfigKey.names(in: path), reader)
        }
        reader.problems += queueProblems()
        if let node = top.value("notifiers") {
            readNotifiers(node, reader)
        }
        top.reportUnknownKeys(known: ["renditions", "notifiers"] + ConfigKey.names(in: ""), reader)
    }

    /// One problem per `THUMBWORKER_…` variable that names no key: a misspelled variable is refused like a misspelled
    /// key in the file, instead of leaving the default in force unnoticed.
    private static func unknownVariableProblems(_ environment: [String: String]) -> [String] {
        let known = (["renditions"] + ConfigKey.table.map(\.path)).map(ConfigReader.environmentName)
        return environment.keys.sorted().filter { !known.contains($0) }.map { name in
            "\(name): no configuration key has this variable" + ClosestName.suggestion(for: name, among: known)
                + "; every THUMBWORKER_ variable must name a key (README, Configuration)"
        }
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
}
