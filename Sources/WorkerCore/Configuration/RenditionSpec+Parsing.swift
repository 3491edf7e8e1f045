package import Imaging

extension RenditionSpec {
    /// The field names a rendition accepts, in the configuration file and in the one-line syntax.
    package static let fieldNames = [
        "name", "width", "height", "size", "fit", "gravity", "format", "quality", "upscale", "metadata",
        "progressive", "background", "animated", "max_frames",
    ]

    /// Builds a rendition from `field = value` pairs, collecting a message per bad field and per invalid combination.
    package static func parse(fields: [(name: String, value: String)], problems: inout [String]) -> RenditionSpec? {
        let name = fields.last(where: { $0.name == "name" })?.value ?? ""
        var spec = RenditionSpec(name: name)
        let before = problems.count
        for field in fields where field.name != "name" {
            if let problem = spec.apply(field.name, field.value) {
                problems.append("rendition '\(name)': \(problem)")
            }
        }
        problems.append(contentsOf: spec.problems())
        return problems.count == before ? spec : nil
    }

    /// Parses the one-line syntax `NAME=SIZE[,field=value…]`, e.g. `small=320x320,fit=cover,format=webp,quality=75`.
    ///
    /// SIZE is `W`, `Wx`, `xH` or `WxH`.
    package init(parsing line: String) throws(ConfigurationError) {
        var parts = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let head = parts.removeFirst().split(separator: "=", maxSplits: 1).map(String.init)
        guard head.count == 2 else {
            throw ConfigurationError(
                problems: ["'\(line)': start with NAME=SIZE, e.g. small=320x320"], source: "rendition")
        }
        var fields: [(name: String, value: String)] = [("name", head[0]), ("size", head[1])]
        var problems: [String] = []
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 {
                fields.append((pair[0], pair[1]))
            } else {
                problems.append("'\(part)': write field=value")
            }
        }
        let spec = RenditionSpec.parse(fields: fields, problems: &problems)
        guard let spec, problems.isEmpty else {
            throw ConfigurationError(problems: problems, source: "rendition")
        }
        self = spec
    }

    /// Sets one field from its text form; returns what is wrong with the value, or nil.
    package mutating func apply(_ field: String, _ value: String) -> String? {
        let value = value.trimmingWhitespace()
        switch field {
        case "width": return Self.parseSide(value, "width", into: &width)
        case "height": return Self.parseSide(value, "height", into: &height)
        case "size": return parseSize(value)
        case "fit": return Self.parseChoice(value, "fit", into: &fit)
        case "gravity": return Self.parseChoice(value, "gravity", into: &gravity)
        case "format": return Self.parseChoice(value, "format", into: &format)
        case "metadata": return Self.parseChoice(value, "metadata", into: &metadata)
        case "quality":
            guard let number = Int(value) else { return "quality '\(value)' is not a whole number" }
            quality = number
        case "max_frames":
            guard let number = Int(value) else { return "max_frames '\(value)' is not a whole number" }
            maxFrames = number
        case "upscale": return Self.parseFlag(value, "upscale", into: &upscale)
        case "progressive": return Self.parseFlag(value, "progressive", into: &progressive)
        case "animated": return Self.parseFlag(value, "animated", into: &animated)
        case "background":
            guard let colour = RGBColor(hex: value) else { return "background '\(value)' is not a colour like #ffffff" }
            background = colour
        default:
            return "unknown field '\(field)'" + ClosestName.suggestion(for: field, among: Self.fieldNames)
        }
        return nil
    }

    private mutating func parseSize(_ value: String) -> String? {
        let sides = value.lowercased().split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
        let widthText = sides.first.map(String.init) ?? ""
        let heightText = sides.count > 1 ? String(sides[1]) : ""
        guard !(widthText.isEmpty && heightText.isEmpty) else { return "size '\(value)': write W, WxH, Wx or xH" }
        if !widthText.isEmpty, let problem = Self.parseSide(widthText, "width", into: &width) { return problem }
        if !heightText.isEmpty, let problem = Self.parseSide(heightText, "height", into: &height) { return problem }
        return nil
    }

    private static func parseSide(_ value: String, _ field: String, into side: inout Int?) -> String? {
        guard let number = Int(value) else { return "\(field) '\(value)' is not a whole number of pixels" }
        side = number
        return nil
    }

    private static func parseChoice<Choice: RawRepresentable & CaseIterable>(
        _ value: String, _ field: String, into choice: inout Choice
    ) -> String? where Choice.RawValue == String {
        let normalised = value.lowercased() == "center" ? "centre" : value.lowercased()
        guard let parsed = Choice(rawValue: normalised) else {
            let options = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(field) '\(value)' is not one of \(options)"
        }
        choice = parsed
        return nil
    }

    private static func parseFlag(_ value: String, _ field: String, into flag: inout Bool) -> String? {
        switch value.lowercased() {
        case "true", "yes", "on", "1": flag = true
        case "false", "no", "off", "0": flag = false
        default: return "\(field) '\(value)' is not true or false"
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
