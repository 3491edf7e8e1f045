/// Any JSON value, read without a schema so the parser can tell message shapes apart and say what is wrong.
package enum JSONValue: Sendable, Hashable, Decodable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any number; doubles hold every whole number up to 2^53 exactly, far beyond the largest S3 object.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Decodes whichever JSON type is present.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value's JSON type, with short values quoted, for error messages: `a string ('12 kB')`.
    package var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "a number (\(Int(exactly: value).map(String.init) ?? String(value)))"
        case .string(let value): "a string (\(value.excerpt))"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
