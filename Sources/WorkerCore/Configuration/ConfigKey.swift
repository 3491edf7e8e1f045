/// One single-valued configuration key: the section it sits in, how it is read and how its effective value is written.
///
/// `ConfigKey.table` lists every such key once: the reader reads the keys it lists and reports every other key as
/// unknown, the effective-configuration printer writes them in its order, and a test checks it against worker.conf.
/// (The `renditions` and `notifiers` lists have their own fields.)
package struct ConfigKey: Sendable {
    /// The section path, e.g. `queue` or `imaging.quality`.
    package let section: String
    /// The key's name within its section, e.g. `batch_size`.
    package let name: String
    /// Reads the key's value from its section, when given, into the configuration; problems go to the reader.
    let read: @Sendable (ConfigMapping, ConfigReader, inout WorkerConfiguration) -> Void
    /// The effective value as YAML that reads back to the same value.
    let effective: @Sendable (WorkerConfiguration) -> String

    /// The dotted path, e.g. `queue.batch_size`.
    package var path: String { "\(section).\(name)" }

    /// The sections in the order they are read and printed, parents before their subsections.
    package static let sections: [String] = table.reduce(into: []) { sections, key in
        if !sections.contains(key.section) { sections.append(key.section) }
    }

    /// The names a section (`""`: the top level) may hold: its keys and its subsections.
    static func names(in section: String) -> [String] {
        table.filter { $0.section == section }.map(\.name)
            + sections.filter { parent(of: $0) == section }.map { String($0.split(separator: ".").last ?? "") }
    }

    /// The section holding a section, `""` for a top-level one: `imaging` for `imaging.quality`.
    static func parent(of section: String) -> String {
        section.split(separator: ".").dropLast().joined(separator: ".")
    }
}

extension ConfigKey {
    /// A whole number within `range`.
    static func integer(
        _ section: String, _ name: String, in range: ClosedRange<Int>,
        _ value: any WritableKeyPath<WorkerConfiguration, Int> & Sendable
    ) -> ConfigKey {
        wholeNumber(section, name, in: range, value, from: { $0 }, to: { $0 })
    }

    /// A duration written as whole seconds within `range`.
    static func seconds(
        _ section: String, _ name: String, in range: ClosedRange<Int>,
        _ value: any WritableKeyPath<WorkerConfiguration, Duration> & Sendable
    ) -> ConfigKey {
        wholeNumber(section, name, in: range, value, from: { .seconds($0) }, to: { Int($0.components.seconds) })
    }

    /// A size in bytes written as whole mebibytes within `range`.
    static func megabytes(
        _ section: String, _ name: String, in range: ClosedRange<Int>,
        _ value: any WritableKeyPath<WorkerConfiguration, Int> & Sendable
    ) -> ConfigKey {
        wholeNumber(section, name, in: range, value, from: { $0 << 20 }, to: { $0 >> 20 })
    }

    /// A value written as a whole number within `range`, converted `from` it when read and `to` it when printed.
    private static func wholeNumber<Value>(
        _ section: String, _ name: String, in range: ClosedRange<Int>,
        _ value: any WritableKeyPath<WorkerConfiguration, Value> & Sendable,
        from: @escaping @Sendable (Int) -> Value, to: @escaping @Sendable (Value) -> Int
    ) -> ConfigKey {
        ConfigKey(
            section: section, name: name,
            read: { mapping, reader, configuration in
                if let number = mapping.integer(name, in: range, reader) {
                    configuration[keyPath: value] = from(number)
                }
            },
            effective: { "\(to($0[keyPath: value]))" })
    }

    /// True or false.
    static func flag(
        _ section: String, _ name: String, _ value: any WritableKeyPath<WorkerConfiguration, Bool> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            section: section, name: name,
            read: { mapping, reader, configuration in
                if let flag = mapping.flag(name, reader) { configuration[keyPath: value] = flag }
            },
            effective: { "\($0[keyPath: value])" })
    }

    /// Text; `nonEmpty` refuses an empty value with that advice.
    static func text(
        _ section: String, _ name: String, _ value: any WritableKeyPath<WorkerConfiguration, String> & Sendable,
        nonEmpty advice: String? = nil
    ) -> ConfigKey {
        ConfigKey(
            section: section, name: name,
            read: { mapping, reader, configuration in
                guard let text = mapping.string(name, reader) else { return }
                if let advice, text.isEmpty {
                    reader.problems.append("\(section).\(name): \(advice)")
                } else {
                    configuration[keyPath: value] = text
                }
            },
            effective: { "\"\($0[keyPath: value])\"" })
    }

    /// Text where the empty string means "none".
    static func optionalText(
        _ section: String, _ name: String, _ value: any WritableKeyPath<WorkerConfiguration, String?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            section: section, name: name,
            read: { mapping, reader, configuration in
                if let text = mapping.string(name, reader) { configuration[keyPath: value] = text.isEmpty ? nil : text }
            },
            effective: { "\"\($0[keyPath: value] ?? "")\"" })
    }

    /// A secret: text where the empty string means none, shown as `<redacted>` by `thumbworker config`.
    static func secret(
        _ section: String, _ name: String, _ value: any WritableKeyPath<WorkerConfiguration, String?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            section: section, name: name, read: optionalText(section, name, value).read,
            effective: { $0[keyPath: value] == nil ? "\"\"" : "\"<redacted>\"" })
    }

    /// One of a fixed set of words.
    static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ section: String, _ name: String, _ value: any WritableKeyPath<WorkerConfiguration, Choice> & Sendable
    ) -> ConfigKey where Choice.RawValue == String {
        ConfigKey(
            section: section, name: name,
            read: { mapping, reader, configuration in
                guard let text = mapping.string(name, reader) else { return }
                if let choice = Choice(rawValue: text) {
                    configuration[keyPath: value] = choice
                } else {
                    let options = Choice.allCases.map(\.rawValue)
                    reader.problems.append("\(section).\(name): '\(text)' is not \(Self.alternatives(options))")
                }
            },
            effective: { $0[keyPath: value].rawValue })
    }

    /// `a, b or c`.
    static func alternatives(_ options: [String]) -> String {
        options.count < 2
            ? options.joined() : options.dropLast().joined(separator: ", ") + " or " + (options.last ?? "")
    }
}
