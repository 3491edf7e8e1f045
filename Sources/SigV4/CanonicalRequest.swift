/// The canonical request SigV4 hashes and signs
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request).
struct CanonicalRequest {
    /// The HTTP method, as sent.
    let method: String
    /// The canonical URI: the path encoded as `SigV4Signer.PathEncoding` says.
    let path: String
    /// The query parameters encoded, sorted by name then value, and joined with `&`.
    let query: String
    /// The signed headers.
    let headers: CanonicalHeaders
    /// The payload's hash, last line of the request.
    let payloadHash: PayloadHash

    /// Builds the canonical request from the wire path and the decoded query parameters.
    init(
        method: String,
        path wirePath: String,
        pathEncoding: SigV4Signer.PathEncoding,
        parameters: [QueryParameter],
        headers: CanonicalHeaders,
        payloadHash: PayloadHash
    ) {
        self.method = method
        self.path = Self.canonicalPath(wirePath, pathEncoding)
        self.query =
            parameters
            .map { (name: Self.encode($0.name), value: Self.encode($0.value)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The six parts, one a line, as hashed into the string to sign.
    var text: String {
        "\(method)\n\(path)\n\(query)\n\(headers.text)\n\(headers.names)\n\(payloadHash.value)"
    }

    /// A query parameter with its name and value percent-decoded.
    typealias QueryParameter = (name: String, value: String)

    /// Splits a wire query (`a=1&b=%20`) into decoded parameters; a parameter without `=` has an empty value.
    static func parameters(fromQuery wireQuery: String?) -> [QueryParameter] {
        guard let wireQuery else { return [] }
        return wireQuery.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: URIEncoding.decode(parts[0]), value: parts.count > 1 ? URIEncoding.decode(parts[1]) : "")
        }
    }

    private static func encode(_ queryPart: String) -> String {
        URIEncoding.encode(queryPart, preservingSlashes: false)
    }

    private static func canonicalPath(_ wirePath: String, _ encoding: SigV4Signer.PathEncoding) -> String {
        switch encoding {
        case .normalizedAndDoubleEncoded:
            URIEncoding.encode(removingDotAndEmptySegments(wirePath), preservingSlashes: true)
        case .singleEncoded:
            wirePath.isEmpty ? "/" : URIEncoding.encode(URIEncoding.decode(wirePath), preservingSlashes: true)
        }
    }

    /// Resolves `.` and `..` and drops empty segments (`//`), keeping a trailing slash; always starts with `/`.
    private static func removingDotAndEmptySegments(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailingSlash = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailingSlash
    }
}
