import AppCore

/// The JSON schemas request bodies are checked against (the subset `JSONSchema` implements).
enum BodySchemas {
    /// `POST /groups`.
    static let group = schema(
        #"""
        {"type": "object", "additionalProperties": false, "required": ["name"],
         "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                        "description": {"type": "string", "maxLength": 1000}}}
        """#)
    /// `POST /groups/{groupId}/images`.
    static let image = schema(
        #"""
        {"type": "object", "additionalProperties": false, "required": ["title"],
         "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 200},
                        "contentType": {"type": "string",
                                        "enum": ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic",
                                                 "image/avif", "image/tiff"]}}}
        """#)

    /// Reads one of the schemas above, which are part of the program: a broken one is a bug, found by the tests.
    private static func schema(_ text: String) -> JSONSchema {
        do {
            return try JSONSchema(json: text)
        } catch {
            preconditionFailure("a built-in body schema is broken: \(error)")
        }
    }
}
