import Foundation
package import WorkerCore

/// A JSON schema (draft-04) that request bodies are checked against, in the subset thumbworker implements: `type`
/// (one or a list of `object`, `array`, `string`, `number`, `integer`, `boolean`, `null`), `properties`, `required`,
/// `additionalProperties` (true, false or a schema), `minLength`/`maxLength` (in Unicode code points), `enum`,
/// `items` (one schema for every element), `minimum`/`maximum`; `$schema`, `title` and `description` are read and
/// ignored. Any other keyword is refused when the schema is read, so a schema never means less than it says.
package struct JSONSchema: Sendable {
    /// What an object may hold beyond `properties`.
    package enum AdditionalProperties: Sendable {
        /// Anything.
        case allowed
        /// Nothing.
        case forbidden
        /// Values that match this schema.
        indirect case matching(JSONSchema)
    }

    /// The keywords read.
    private static let keywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "minLength", "maxLength", "enum", "items",
        "minimum", "maximum", "$schema", "title", "description",
    ]
    /// The type names `type` may hold.
    private static let typeNames: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    /// The allowed types; nil allows any.
    package var types: [String]?
    /// The schemas of named properties.
    package var properties: [String: JSONSchema] = [:]
    /// The properties that must be present.
    package var required: [String] = []
    /// What other properties may be.
    package var additionalProperties = AdditionalProperties.allowed
    /// The fewest code points a string may have.
    package var minLength: Int?
    /// The most code points a string may have.
    package var maxLength: Int?
    /// The only values allowed, when given.
    package var allowedValues: [JSONValue]?
    /// The schema of an array's elements.
    package var items: [JSONSchema] = []
    /// The smallest number allowed.
    package var minimum: Double?
    /// The largest number allowed.
    package var maximum: Double?

    /// Reads a schema from its JSON text; a schema using anything outside the subset is refused with the reason.
    package init(json text: String) throws(AppError) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw AppError(.invalidRequest, "the schema is not JSON: \(error)")
        }
        try self.init(value, at: "#")
    }

    /// Reads a schema from a parsed value, naming problems by their JSON pointer from `path`.
    private init(_ value: JSONValue, at path: String) throws(AppError) {
        guard case .object(let members) = value else { throw AppError(.invalidRequest, "\(path) is not an object") }
        for key in members.keys where !Self.keywords.contains(key) {
            throw AppError(.invalidRequest, "\(path)/\(key): the keyword is not supported by thumbworker's schemas")
        }
        func count(_ key: String) throws(AppError) -> Int? {
            guard let member = members[key] else { return nil }
            guard case .number(let number) = member, let whole = Int(exactly: number), whole >= 0 else {
                throw AppError(.invalidRequest, "\(path)/\(key) must be a whole number, 0 or more")
            }
            return whole
        }
        func number(_ key: String) throws(AppError) -> Double? {
            guard let member = members[key] else { return nil }
            guard case .number(let number) = member else {
                throw AppError(.invalidRequest, "\(path)/\(key) must be a number")
            }
            return number
        }
        switch members["type"] {
        case nil: types = nil
        case .string(let name)?: types = [name]
        case .array(let names)?:
            types = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
            if types?.count != names.count { throw AppError(.invalidRequest, "\(path)/type must list type names") }
        default: throw AppError(.invalidRequest, "\(path)/type must be a type name or a list of them")
        }
        for name in types ?? [] where !Self.typeNames.contains(name) {
            throw AppError(.invalidRequest, "\(path)/type: \(name) is not a JSON schema type")
        }
        if let member = members["properties"] {
            guard case .object(let schemas) = member else {
                throw AppError(.invalidRequest, "\(path)/properties must be an object")
            }
            for (name, schema) in schemas {
                properties[name] = try JSONSchema(schema, at: "\(path)/properties/\(name)")
            }
        }
        if let member = members["required"] {
            guard case .array(let names) = member else {
                throw AppError(.invalidRequest, "\(path)/required must be a list of property names")
            }
            required = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
            if required.count != names.count {
                throw AppError(.invalidRequest, "\(path)/required must be a list of property names")
            }
        }
        switch members["additionalProperties"] {
        case nil, .bool(true)?: additionalProperties = .allowed
        case .bool(false)?: additionalProperties = .forbidden
        case let schema?:
            additionalProperties = .matching(try JSONSchema(schema, at: "\(path)/additionalProperties"))
        }
        minLength = try count("minLength")
        maxLength = try count("maxLength")
        if let member = members["enum"] {
            guard case .array(let values) = member, !values.isEmpty else {
                throw AppError(.invalidRequest, "\(path)/enum must be a list of at least one value")
            }
            allowedValues = values
        }
        if let member = members["items"] {
            items = [try JSONSchema(member, at: "\(path)/items")]
        }
        minimum = try number("minimum")
        maximum = try number("maximum")
    }

    /// Every way `value` breaks the schema, each naming where (`body.name`, `body.tags[2]`); empty when it conforms.
    package func problems(in value: JSONValue, at path: String = "body") -> [String] {
        if let types, !types.contains(where: { Self.value(value, isOfType: $0) }) {
            return ["\(path) must be \(types.map(Self.article).joined(separator: " or ")), not \(value.summary)"]
        }
        var problems: [String] = []
        if let allowedValues, !allowedValues.contains(value) {
            problems.append(
                "\(path) must be one of \(allowedValues.map(Self.literal).joined(separator: ", ")), not \(Self.literal(value))"
            )
        }
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minLength, length < minLength {
                problems.append("\(path) must be at least \(minLength) characters long, not \(length)")
            }
            if let maxLength, length > maxLength {
                problems.append("\(path) must be at most \(maxLength) characters long, not \(length)")
            }
        case .number(let number):
            if let minimum, number < minimum { problems.append("\(path) must be at least \(Self.text(minimum))") }
            if let maximum, number > maximum { problems.append("\(path) must be at most \(Self.text(maximum))") }
        case .array(let elements):
            for schema in items {
                for (index, element) in elements.enumerated() {
                    problems += schema.problems(in: element, at: "\(path)[\(index)]")
                }
            }
        case .object(let members):
            for name in required where members[name] == nil {
                problems.append("\(path).\(name) is required")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let schema = properties[name] {
                    problems += schema.problems(in: member, at: "\(path).\(name)")
                    continue
                }
                switch additionalProperties {
                case .allowed: break
                case .forbidden: problems.append("\(path).\(name) is not allowed here")
                case .matching(let schema): problems += schema.problems(in: member, at: "\(path).\(name)")
                }
            }
        case .null, .bool:
            break
        }
        return problems
    }

    /// Whether `value` is of the schema type `name` (`integer`: a number with no fraction).
    private static func value(_ value: JSONValue, isOfType name: String) -> Bool {
        switch (name, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("number", .number), ("boolean", .bool),
            ("null", .null):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    /// A type name with its article, for messages: `an object`, `a string`.
    private static func article(_ name: String) -> String {
        ["object", "array", "integer"].contains(name) ? "an \(name)" : "a \(name)"
    }

    /// A value as JSON writes it when it is a scalar (`"a"`, `3`, `true`), its type otherwise.
    private static func literal(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            "\"\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
        case .number(let number): text(number)
        case .bool(let flag): "\(flag)"
        case .null: "null"
        case .array, .object: value.summary
        }
    }

    /// A number as a person writes it: `3`, not `3.0`.
    private static func text(_ number: Double) -> String {
        Int(exactly: number).map(String.init) ?? String(number)
    }
}
