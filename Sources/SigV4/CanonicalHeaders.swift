/// The signed headers in canonical form: lower-case names in order, values trimmed with inner whitespace runs
/// (line folds included) collapsed to one space, and repeated names joined with commas in the order sent
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request).
struct CanonicalHeaders {
    /// One `name:value` line per header name, each ending in a newline.
    let text: String
    /// The sorted lower-case names joined with `;`, as in `SignedHeaders=host;x-amz-date`.
    let names: String

    /// Canonicalises every header in `headers`.
    init(_ headers: [HTTPHeader]) {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            valuesByName[header.name.lowercased(), default: []].append(Self.collapsingWhitespace(header.value))
        }
        let sortedNames = valuesByName.keys.sorted()
        text = sortedNames.map { name in "\(name):\(valuesByName[name, default: []].joined(separator: ","))\n" }
            .joined()
        names = sortedNames.joined(separator: ";")
    }

    private static func collapsingWhitespace(_ value: String) -> String {
        value.utf8.split(whereSeparator: isWhitespace).map { String(Substring($0)) }.joined(separator: " ")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }
}
