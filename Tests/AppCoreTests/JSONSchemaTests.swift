import AppCore
import Foundation
import Testing
import WorkerCore

/// Parses a JSON text for the tests.
private func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

@Suite("JSON schemas: the subset request bodies are checked with")
struct JSONSchemaTests {
    static let group = """
        {"type": "object", "additionalProperties": false, "required": ["name"],
         "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5},
                        "size": {"type": "integer", "minimum": 1, "maximum": 9},
                        "tags": {"type": "array", "items": {"enum": ["a", "b"]}}}}
        """

    @Test(
        "each violation is listed with where it is",
        arguments: [
            (#"{"name": "cats"}"#, [String]()),
            (#"{}"#, ["body.name is required"]),
            (#"{"name": 3}"#, ["body.name must be a string, not a number (3)"]),
            (#"{"name": ""}"#, ["body.name must be at least 1 characters long, not 0"]),
            (#"{"name": "éééééé"}"#, ["body.name must be at most 5 characters long, not 6"]),
            (#"{"name": "x", "colour": "red"}"#, ["body.colour is not allowed here"]),
            (#"{"name": "x", "size": 2.5}"#, ["body.size must be an integer, not a number (2.5)"]),
            (#"{"name": "x", "size": 10}"#, ["body.size must be at most 9"]),
            (#"{"name": "x", "tags": ["a", "c"]}"#, [#"body.tags[1] must be one of "a", "b", not "c""#]),
            (#"[1]"#, ["body must be an object, not an array"]),
            (
                #"{"colour": 1, "size": 0}"#,
                ["body.name is required", "body.colour is not allowed here", "body.size must be at least 1"]
            ),
        ])
    func problems(body: String, expected: [String]) throws {
        let schema = try JSONSchema(json: Self.group)
        #expect(schema.problems(in: try json(body)) == expected)
    }

    @Test("additional properties may be allowed, or held to a schema")
    func additionalProperties() throws {
        let open = try JSONSchema(json: #"{"type": "object"}"#)
        #expect(open.problems(in: try json(#"{"anything": [1, {}]}"#)).isEmpty)
        let typed = try JSONSchema(json: #"{"type": "object", "additionalProperties": {"type": "string"}}"#)
        #expect(typed.problems(in: try json(#"{"a": "x", "b": true}"#)) == ["body.b must be a string, not true"])
    }

    @Test("a type may be a list; null and boolean are types of their own")
    func typeLists() throws {
        let schema = try JSONSchema(json: #"{"type": ["string", "null"]}"#)
        #expect(schema.problems(in: .null).isEmpty)
        #expect(schema.problems(in: .bool(true)) == ["body must be a string or a null, not true"])
    }

    @Test(
        "a schema outside the subset is refused when read, naming the keyword",
        arguments: [
            (#"{"pattern": "^a"}"#, "#/pattern: the keyword is not supported"),
            (#"{"type": "text"}"#, "#/type: text is not a JSON schema type"),
            (#"{"properties": {"a": {"oneOf": []}}}"#, "#/properties/a/oneOf: the keyword is not supported"),
            (#"{"minLength": -1}"#, "#/minLength must be a whole number"),
            (#"{"enum": []}"#, "#/enum must be a list of at least one value"),
            (#"not json"#, "the schema is not JSON"),
        ])
    func unsupported(schema: String, message: String) {
        #expect(throws: AppError.self) { try JSONSchema(json: schema) }
        do {
            _ = try JSONSchema(json: schema)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
