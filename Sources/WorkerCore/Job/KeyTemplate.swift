/// Builds output keys (S3 keys or file paths) from a source key and a rendition.
///
/// Placeholders: `{key}` the whole source key, `{dir}` its folder, `{stem}` its file name without extension,
/// `{name}` the rendition name, `{width}` and `{height}` the output size, `{ext}` the output extension.
/// Empty folders collapse, so `{dir}/{stem}.{ext}` works for keys at the top level too.
package struct KeyTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The placeholders a template may use.
    package static let placeholders = ["key", "dir", "stem", "name", "width", "height", "ext"]

    /// The template text, e.g. `thumbs/{dir}/{stem}-{name}.{ext}`.
    package let pattern: String

    /// Checks that every `{…}` names a known placeholder and that braces are balanced.
    package init(_ pattern: String) throws(ConfigurationError) {
        var problems: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else {
                problems.append("unbalanced brace in '\(pattern)'")
                break
            }
            let name = String(rest[rest.index(after: open)..<close])
            if name.contains("{") {
                problems.append("unbalanced brace in '\(pattern)'")
                break
            }
            if !Self.placeholders.contains(name) {
                problems.append(
                    "unknown placeholder {\(name)} in '\(pattern)'; use "
                        + Self.placeholders.map { "{\($0)}" }.joined(separator: " "))
            }
            rest = rest[rest.index(after: close)...]
        }
        if pattern.isEmpty { problems.append("the key template is empty") }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems, source: "key_template") }
        self.pattern = pattern
    }

    /// The key for one rendition of one source.
    package func expand(sourceKey: String, rendition: String, width: Int, height: Int, fileExtension: String) -> String
    {
        expand(
            sourceKey: sourceKey, rendition: rendition, width: String(width), height: String(height),
            fileExtension: fileExtension)
    }

    /// The start every key of one rendition of one source has, whatever its size and format: the expansion up to the
    /// first `{width}`, `{height}` or `{ext}` (the whole key when there is none).
    package func sharedStart(sourceKey: String, rendition: String) -> String {
        let unknown = "\u{1}"
        let key = expand(
            sourceKey: sourceKey, rendition: rendition, width: unknown, height: unknown, fileExtension: unknown)
        return String(key.prefix { $0 != Character(unknown) })
    }

    /// The key with every placeholder replaced by its text.
    private func expand(
        sourceKey: String, rendition: String, width: String, height: String, fileExtension: String
    ) -> String {
        let slash = sourceKey.lastIndex(of: "/")
        let folder = slash.map { String(sourceKey[..<$0]) } ?? ""
        let fileName = slash.map { String(sourceKey[sourceKey.index(after: $0)...]) } ?? sourceKey
        let stem =
            fileName.lastIndex(of: ".").flatMap { $0 == fileName.startIndex ? nil : String(fileName[..<$0]) }
            ?? fileName
        let values = [
            "key": sourceKey, "dir": folder, "stem": stem, "name": rendition, "width": width, "height": height,
            "ext": fileExtension,
        ]
        var result = pattern
        for (name, value) in values {
            result = result.replacingAll("{\(name)}", with: value)
        }
        while result.contains("//") {
            result = result.replacingAll("//", with: "/")
        }
        return String(result.drop(while: { $0 == "/" }))
    }

    /// The template text.
    package var description: String { pattern }

    /// Whether keys depend on the rendered size (`{width}`, `{height}`), so they are known only after rendering.
    package var dependsOnOutputSize: Bool {
        pattern.contains("{width}") || pattern.contains("{height}")
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
