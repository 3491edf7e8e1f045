import Foundation

/// One parsed AWS shared `config` or `credentials` file: named sections of settings.
///
/// Follows https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html: `#` and `;` start comment lines, and
/// start an inline comment after a section header or after whitespace in a value; whitespace around names and values
/// is ignored; setting names are case-insensitive (stored lowercased) while profile names are not; a line indented
/// deeper than the setting above it continues that setting (nested blocks such as `s3 =`), as Python's configparser
/// (the AWS CLI's) reads it; a repeated section adds to the first.
/// Errors name the line number only, never its text, which may hold a secret.
struct ProfileFile: Sendable {
    /// Which of the two files this is; they name profile sections differently.
    enum Kind: Sendable {
        /// `~/.aws/config`: `[default]` and `[profile NAME]`.
        case config
        /// `~/.aws/credentials`: `[NAME]`.
        case credentials
    }

    /// Where the file was read from, for messages.
    let path: String
    /// Which of the two files this is.
    let kind: Kind
    private let sections: [String: [String: String]]

    /// Parses the file's text.
    init(parsing text: String, path: String, kind: Kind) throws(AWSError) {
        self.path = path
        self.kind = kind
        var sections: [String: [String: String]] = [:]
        var section: String?
        var lastSetting: (name: String, indent: Int)?
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                let name = try Self.sectionName(in: line, lineNumber: lineNumber, path: path)
                if sections[name] == nil { sections[name] = [:] }
                section = name
                lastSetting = nil
                continue
            }
            guard let section else {
                throw Self.syntaxError(path, lineNumber, "a setting comes before any [section] header")
            }
            let indent = rawLine.prefix(while: \.isWhitespace).count
            if let lastSetting, indent > lastSetting.indent {
                sections[section]?[lastSetting.name]?.append("\n" + line)
                continue
            }
            let (name, value) = try Self.setting(in: line, lineNumber: lineNumber, path: path)
            sections[section]?[name] = value
            lastSetting = (name, indent)
        }
        self.sections = sections
    }

    /// Reads and parses the file at `path`; nil when there is no file there.
    static func load(path: String, kind: Kind) throws(AWSError) -> ProfileFile? {
        guard let text = try TextFile.contents(of: path) else { return nil }
        return try ProfileFile(parsing: text, path: path, kind: kind)
    }

    /// The settings of profile `name`, or nil when the file has no section for it.
    ///
    /// In `config` the default profile may be written `[profile default]`, which wins over `[default]`.
    func profile(_ name: String) -> [String: String]? {
        switch kind {
        case .credentials:
            sections[name]
        case .config:
            sections["profile \(name)"] ?? (name == "default" ? sections["default"] : nil)
        }
    }

    /// How this file heads the section for profile `name`, for messages.
    func sectionHeader(for name: String) -> String {
        kind == .config && name != "default" ? "[profile \(name)]" : "[\(name)]"
    }

    private static func sectionName(in line: String, lineNumber: Int, path: String) throws(AWSError) -> String {
        guard let close = line.firstIndex(of: "]") else {
            throw syntaxError(path, lineNumber, "a section header has no closing ]")
        }
        let trailing = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard trailing.isEmpty || trailing.hasPrefix("#") || trailing.hasPrefix(";") else {
            throw syntaxError(path, lineNumber, "text follows a section header's ]")
        }
        let words = line[line.index(after: line.startIndex)..<close].split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { throw syntaxError(path, lineNumber, "a section header has no name") }
        return words.joined(separator: " ")
    }

    private static func setting(in line: String, lineNumber: Int, path: String) throws(AWSError) -> (String, String) {
        guard let equals = line.firstIndex(of: "=") else {
            throw syntaxError(path, lineNumber, "expected `name = value`")
        }
        let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard !name.isEmpty else { throw syntaxError(path, lineNumber, "a setting has no name before =") }
        return (name, withoutInlineComment(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
    }

    /// Cuts a value at the first `#` or `;` that follows whitespace; one inside a value (`a#b`) is kept.
    private static func withoutInlineComment(_ value: Substring) -> Substring {
        var previous: Character = "="
        for index in value.indices {
            let character = value[index]
            if (character == "#" || character == ";") && previous.isWhitespace { return value[..<index] }
            previous = character
        }
        return value
    }

    private static func syntaxError(_ path: String, _ lineNumber: Int, _ problem: String) -> AWSError {
        AWSError(.invalidConfiguration, "\(path) line \(lineNumber): \(problem)", retryable: false)
    }
}
