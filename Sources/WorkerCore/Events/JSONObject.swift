/// One JSON object of a message body and where it sits (`Records[0].s3.object`), so errors name the exact field.
struct JSONObject {
    /// Where the object sits in the body; empty for the body itself.
    let path: String
    /// The object's fields.
    private let fields: [String: JSONValue]

    /// Reads `value` as an object at `path`; nil when it is another JSON type.
    init?(_ value: JSONValue, path: String) {
        guard case .object(let fields) = value else { return nil }
        self.path = path
        self.fields = fields
    }

    /// The field names, sorted, for describing a body of unknown shape.
    var fieldNames: [String] { fields.keys.sorted() }

    /// Whether the field is present, even as null.
    func contains(_ name: String) -> Bool { fields[name] != nil }

    /// The path of a field for messages: `Records[0].eventName`.
    func path(of name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// A required nested object.
    func object(_ name: String) throws(EventParseError) -> JSONObject {
        let value = try required(name)
        guard let object = JSONObject(value, path: path(of: name)) else {
            throw EventParseError("\(path(of: name)) is \(value.summary), not an object")
        }
        return object
    }

    /// A required array.
    func array(_ name: String) throws(EventParseError) -> [JSONValue] {
        let value = try required(name)
        guard case .array(let elements) = value else {
            throw EventParseError("\(path(of: name)) is \(value.summary), not an array")
        }
        return elements
    }

    /// A required, non-empty string.
    func string(_ name: String) throws(EventParseError) -> String {
        guard let text = try optionalString(name) else {
            throw EventParseError("\(path(of: name)) is missing")
        }
        guard !text.isEmpty else { throw EventParseError("\(path(of: name)) is empty") }
        return text
    }

    /// A string that may be absent or null; another JSON type is an error.
    func optionalString(_ name: String) throws(EventParseError) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let value?: throw EventParseError("\(path(of: name)) is \(value.summary), not a string")
        }
    }

    /// A byte count that may be absent or null: a whole number, or a string of decimal digits.
    func optionalByteCount(_ name: String) throws(EventParseError) -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        switch value {
        case .number(let number):
            if number >= 0, let count = Int(exactly: number) { return count }
        case .string(let text):
            if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let count = Int(text) {
                return count
            }
        default:
            break
        }
        throw EventParseError("\(path(of: name)) is \(value.summary), not a byte count")
    }

    /// The value of a field that must be present and not null.
    private func required(_ name: String) throws(EventParseError) -> JSONValue {
        switch fields[name] {
        case nil: throw EventParseError("\(path(of: name)) is missing")
        case .null?: throw EventParseError("\(path(of: name)) is null")
        case let value?: return value
        }
    }
}
