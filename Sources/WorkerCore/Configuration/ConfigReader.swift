import Foundation
import Yams

/// Walks a YAML document, collecting one message per problem with the key path and line.
///
/// Environment variables override single values: `limits.max_pixels` is overridden by
/// `THUMBWORKER_LIMITS_MAX_PIXELS` (the path in upper case, dots and dashes as underscores).
final class ConfigReader {
    /// Everything found wrong so far.
    var problems: [String] = []
    /// The environment variables that may override values.
    let environment: [String: String]

    /// A reader that lets `environment` override the file.
    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The environment variable that overrides a key path, e.g. `THUMBWORKER_LIMITS_MAX_PIXELS`.
    static func environmentName(_ path: String) -> String {
        "THUMBWORKER_" + path.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    /// The node as a mapping with string keys, or nil after recording why not.
    func mapping(_ node: Node, at path: String) -> ConfigMapping? {
        guard let mapping = node.mapping else {
            problems.append("\(path.isEmpty ? "the file" : path)\(Self.line(node)): expected a mapping of key: value")
            return nil
        }
        var pairs: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            pairs.append((key.string ?? "\(key)", value))
        }
        return ConfigMapping(path: path, pairs: pairs, environment: environment)
    }

    /// The node as a list, or nil after recording why not.
    func sequence(_ node: Node, at path: String) -> [Node]? {
        guard let sequence = node.sequence else {
            problems.append("\(path)\(Self.line(node)): expected a list")
            return nil
        }
        return Array(sequence)
    }

    /// ` (line N)` for messages, when the node knows where it came from.
    static func line(_ node: Node) -> String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }
}

/// One YAML mapping and the path that leads to it, e.g. `limits`.
struct ConfigMapping {
    /// The dotted path of this mapping.
    let path: String
    /// Its keys and values in file order.
    let pairs: [(key: String, value: Node)]
    /// Environment variables that override values.
    let environment: [String: String]

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// `path.key (line N)`, or `path.key (from THUMBWORKER_…)` when the environment set it.
    func origin(_ key: String, _ node: Node) -> String {
        let variable = ConfigReader.environmentName(keyPath(key))
        return keyPath(key) + (environment[variable] != nil ? " (from \(variable))" : ConfigReader.line(node))
    }

    /// The value of a key: from its environment variable when set, else from the file, if present.
    func value(_ key: String) -> Node? {
        let variable = ConfigReader.environmentName(keyPath(key))
        if let override = environment[variable] {
            return Node(override)
        }
        return pairs.last { $0.key == key }?.value
    }

    /// A nested mapping: empty when absent, so environment variables can still set its keys.
    func section(_ key: String, _ reader: ConfigReader) -> ConfigMapping? {
        guard let node = pairs.last(where: { $0.key == key })?.value else {
            return ConfigMapping(path: keyPath(key), pairs: [], environment: environment)
        }
        return reader.mapping(node, at: keyPath(key))
    }

    /// A string value, if present.
    func string(_ key: String, _ reader: ConfigReader) -> String? {
        guard let node = value(key) else { return nil }
        guard let text = node.scalar?.string else {
            reader.problems.append("\(origin(key, node)): expected a single value")
            return nil
        }
        return text
    }

    /// A whole number within a range, if present.
    func integer(_ key: String, in range: ClosedRange<Int>, _ reader: ConfigReader) -> Int? {
        guard let node = value(key) else { return nil }
        guard let number = node.int, range.contains(number) else {
            reader.problems.append(
                "\(origin(key, node)): '\(node.scalar?.string ?? "?")' is not a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
            return nil
        }
        return number
    }

    /// A true/false value, if present.
    func flag(_ key: String, _ reader: ConfigReader) -> Bool? {
        guard let node = value(key) else { return nil }
        guard let flag = node.bool else {
            reader.problems.append("\(origin(key, node)): '\(node.scalar?.string ?? "?")' is not true or false")
            return nil
        }
        return flag
    }

    /// A list of strings (a YAML list, or a comma-separated value from the environment), if present.
    func list(_ key: String, _ reader: ConfigReader) -> [String]? {
        guard let node = value(key) else { return nil }
        if let text = node.scalar?.string {
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let items = reader.sequence(node, at: keyPath(key)) else { return nil }
        return items.compactMap { item in
            guard let text = item.scalar?.string else {
                reader.problems.append("\(origin(key, item)): expected a list of single values")
                return nil
            }
            return text
        }
    }

    /// Records every key that is not in `known`, suggesting the closest known one.
    func reportUnknownKeys(known: [String], _ reader: ConfigReader) {
        for (key, node) in pairs where !known.contains(key) {
            reader.problems.append(
                "\(keyPath(key))\(ConfigReader.line(node)): unknown key"
                    + ClosestName.suggestion(for: key, among: known))
        }
    }
}
