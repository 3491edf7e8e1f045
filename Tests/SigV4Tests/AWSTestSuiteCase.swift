import Foundation
import TestSupport
import Testing

@testable import SigV4

/// One case of the official SigV4 test suite in `testdata/aws-sigv4-test-suite/v4` (from awslabs/aws-c-auth):
/// a folder with `context.json`, `request.txt` and the expected `header-*` and `query-*` results.
struct AWSTestSuiteCase {
    /// The folder holding the cases, `testdata/aws-sigv4-test-suite/v4`; `nil` when there is none.
    static let root: URL? = {
        let suite = Testdata.url("aws-sigv4-test-suite/v4")
        return FileManager.default.fileExists(atPath: suite.path) ? suite : nil
    }()

    /// Every case's path below `root` (`get-vanilla`, or `group/case` when nested), found by walking the tree.
    static let names: [String] = {
        guard let root, let paths = FileManager.default.subpaths(atPath: root.path) else { return [] }
        return paths.filter { $0.hasSuffix("context.json") }
            .map { ($0 as NSString).deletingLastPathComponent }
            .sorted()
    }()

    /// The case's folder.
    let directory: URL
    /// The signing inputs other than the request.
    let context: Context
    /// The request to sign.
    let request: RawHTTPRequest

    /// Loads the case at `name` below `root`.
    init(name: String) throws {
        directory = try #require(Self.root, "no \(Testdata.path("aws-sigv4-test-suite/v4"))").appending(path: name)
        context = try JSONDecoder().decode(
            Context.self, from: Data(contentsOf: directory.appending(path: "context.json")))
        request = try RawHTTPRequest(
            parsing: String(contentsOf: directory.appending(path: "request.txt"), encoding: .utf8))
    }

    /// The text of one of the case's files.
    func expected(_ file: String) throws -> String {
        try String(contentsOf: directory.appending(path: file), encoding: .utf8)
    }

    /// A signer set up as `context.json` says.
    var signer: SigV4Signer {
        SigV4Signer(
            credentials: Credentials(
                accessKeyID: context.credentials.accessKeyID,
                secretAccessKey: context.credentials.secretAccessKey,
                sessionToken: context.credentials.token
            ),
            service: context.service,
            region: context.region,
            options: .init(
                pathEncoding: context.normalize ? .normalizedAndDoubleEncoded : .singleEncoded,
                sendsPayloadHashHeader: context.signBody,
                signsSessionToken: !(context.omitSessionToken ?? false)
            )
        )
    }

    /// The request's path and query as written in its request line, and its `Host` header.
    var target: RequestTarget {
        get throws {
            let host = try #require(request.headers.first { $0.name.lowercased() == "host" }).value
            return RequestTarget(host: host, path: request.path, query: request.query)
        }
    }

    /// The instant to sign at.
    var date: Date {
        get throws { try Date(context.timestamp, strategy: .iso8601) }
    }

    /// `context.json`.
    struct Context: Decodable {
        /// The keys to sign with.
        let credentials: CaseCredentials
        /// `X-Amz-Expires` for query signing.
        let expirationInSeconds: Int64
        /// True for the standard path rules, false for S3's.
        let normalize: Bool
        /// The region in the credential scope.
        let region: String
        /// The service in the credential scope.
        let service: String
        /// Whether header signing adds `x-amz-content-sha256`.
        let signBody: Bool
        /// The signing instant, ISO 8601 extended format.
        let timestamp: String
        /// Whether the session token is attached after signing instead of signed.
        let omitSessionToken: Bool?

        /// The snake-case names of `context.json`.
        enum CodingKeys: String, CodingKey {
            case credentials, normalize, region, service, timestamp
            case expirationInSeconds = "expiration_in_seconds"
            case signBody = "sign_body"
            case omitSessionToken = "omit_session_token"
        }
    }

    /// The `credentials` object of `context.json`.
    struct CaseCredentials: Decodable {
        /// `access_key_id`.
        let accessKeyID: String
        /// `secret_access_key`.
        let secretAccessKey: String
        /// The session token, for the cases with temporary credentials.
        let token: String?

        /// The snake-case names of `context.json`.
        enum CodingKeys: String, CodingKey {
            case token
            case accessKeyID = "access_key_id"
            case secretAccessKey = "secret_access_key"
        }
    }
}

/// An HTTP/1.1 request written out as text, as the suite's `request.txt` and `*-signed-request.txt` hold it.
///
/// The request line's target is taken verbatim (it may hold spaces and raw UTF-8), a line starting with
/// whitespace continues the previous header's value (kept with its line break), repeated headers stay separate,
/// and whatever follows the first empty line is the body.
struct RawHTTPRequest {
    /// The method of the request line.
    let method: String
    /// The path of the request line, up to any `?`.
    let path: String
    /// The query of the request line, after the `?`.
    let query: String?
    /// The headers, in order.
    let headers: [HTTPHeader]
    /// The bytes after the empty line.
    let body: [UInt8]

    /// Parses the text of a request file.
    init(parsing text: String) throws {
        let parts = text.split(separator: "\n\n", maxSplits: 1, omittingEmptySubsequences: false)
        body = parts.count > 1 ? Array(parts[1].utf8) : []
        let lines = parts[0].split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = try #require(lines.first)
        let firstSpace = try #require(requestLine.firstIndex(of: " "))
        let lastSpace = try #require(requestLine.lastIndex(of: " "))
        method = String(requestLine[..<firstSpace])
        let requestTarget = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let targetParts = requestTarget.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(targetParts[0])
        query = targetParts.count > 1 ? String(targetParts[1]) : nil

        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                try #require(!headers.isEmpty, "a continuation line before any header")
                headers[headers.count - 1].value += "\n" + line
            } else {
                let colon = try #require(line.firstIndex(of: ":"), "a header line without ':': \(line)")
                headers.append(
                    HTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        self.headers = headers
    }
}
