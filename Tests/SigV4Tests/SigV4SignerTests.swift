import Foundation
import Testing

@testable import SigV4

/// How the signer treats hosts, ports, tokens, repeated signing, expiry and dates, beyond the AWS suite.
struct SigV4SignerTests {
    /// The suite's signing instant, 2015-08-30T12:36:00Z.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    /// An SQS signer with the suite's example keys, temporary when given a token, with `options`.
    static func signer(sessionToken: String? = nil, options: SigV4Signer.Options = .standard) -> SigV4Signer {
        SigV4Signer(
            credentials: Credentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: sessionToken
            ),
            service: "sqs",
            region: "us-east-1",
            options: options
        )
    }

    /// Signs a bodiless request to `url` into headers at `date`.
    static func signHeaders(_ signer: SigV4Signer, _ url: String, headers: [HTTPHeader] = []) throws -> [HTTPHeader] {
        try signer.signedHeaders(
            method: "GET", url: try #require(URL(string: url)), headers: headers, payload: .emptyPayload, date: date)
    }

    /// Presigns a GET of `url` at `date`.
    static func presign(_ signer: SigV4Signer, _ url: String, expires: Duration = .seconds(60)) throws -> URL {
        try signer.presignedURL(
            method: "GET", url: try #require(URL(string: url)), payload: .unsigned, expires: expires, date: date)
    }

    @Test(
        "the host header carries the port unless it is the scheme's default",
        arguments: [
            ("http://localhost:4566/queue", "localhost:4566"),
            ("https://sqs.us-east-1.amazonaws.com:443/", "sqs.us-east-1.amazonaws.com"),
            ("http://minio:80/bucket", "minio"),
            ("https://sqs.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com"),
            ("http://[::1]:9000/bucket", "[::1]:9000"),
        ]
    )
    func hostHeader(url: String, host: String) throws {
        let headers = try Self.signHeaders(Self.signer(), url)
        #expect(headers.filter { $0.name.lowercased() == "host" } == [HTTPHeader(name: "host", value: host)])
    }

    @Test("a Host header passed in is signed as given, not added twice")
    func givenHostIsKept() throws {
        let given = HTTPHeader(name: "Host", value: "sqs.local:4566")
        let headers = try Self.signHeaders(Self.signer(), "http://127.0.0.1:4566/", headers: [given])
        #expect(headers.filter { $0.name.lowercased() == "host" } == [given])
    }

    @Test("signing signed headers again replaces the signer's headers instead of repeating them")
    func resigningIsIdempotent() throws {
        let signer = Self.signer(sessionToken: "token", options: .s3)
        let url = "https://bucket.s3.amazonaws.com/key"
        let once = try Self.signHeaders(signer, url, headers: [HTTPHeader(name: "Content-Type", value: "image/webp")])
        let twice = try Self.signHeaders(signer, url, headers: once)
        #expect(twice == once)
        #expect(
            once.map(\.name) == [
                "Content-Type", "host", "X-Amz-Date", "x-amz-content-sha256", "X-Amz-Security-Token", "Authorization",
            ])
    }

    @Test("standard services get no x-amz-content-sha256 header")
    func standardServicesSendNoPayloadHash() throws {
        let headers = try Self.signHeaders(Self.signer(), "https://sqs.us-east-1.amazonaws.com/")
        #expect(headers.map(\.name) == ["host", "X-Amz-Date", "Authorization"])
    }

    @Test("a session token is sent and signed in headers, and signed in presigned URLs")
    func sessionToken() throws {
        let token = "FwoGZXIvYXdzE/+token=="
        let signer = Self.signer(sessionToken: token)
        let url = "https://sqs.us-east-1.amazonaws.com/"

        let headers = try Self.signHeaders(signer, url)
        #expect(headers.contains(HTTPHeader(name: "X-Amz-Security-Token", value: token)))
        let authorization = try #require(headers.first { $0.name == "Authorization" }).value
        #expect(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))

        let query = try #require(try Self.presign(signer, url).query(percentEncoded: true))
        #expect(query.contains("&X-Amz-Security-Token=FwoGZXIvYXdzE%2F%2Btoken%3D%3D&"))
    }

    @Test("a presigned URL keeps the original query parameters, encoded and in canonical order")
    func presignKeepsQuery() throws {
        let url = "https://bucket.s3.amazonaws.com/a%20b.jpg?versionId=3/L4k&response-content-type=image%2Fjpeg"
        let presigned = try Self.presign(Self.signer(options: .s3), url)
        #expect(presigned.path(percentEncoded: true) == "/a%20b.jpg")
        let query = try #require(presigned.query(percentEncoded: true))
        #expect(query.hasPrefix("X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(query.contains("&response-content-type=image%2Fjpeg&versionId=3%2FL4k&X-Amz-Signature="))
    }

    @Test("a URL without a host cannot be signed", arguments: ["/bucket/key", "file:///tmp/image.jpg"])
    func urlWithoutHost(url: String) throws {
        let headerError = #expect(throws: SigV4Error.self) { try Self.signHeaders(Self.signer(), url) }
        #expect(headerError?.code == .urlWithoutHost)
        #expect(headerError?.message.contains("has no host") == true)
        let presignError = #expect(throws: SigV4Error.self) { try Self.presign(Self.signer(), url) }
        #expect(presignError?.code == .urlWithoutHost)
    }

    @Test(
        "a presigned URL must expire within 1 second to 7 days",
        arguments: [Duration.zero, .milliseconds(999), .seconds(604_801), .seconds(-5)]
    )
    func expiryOutOfRange(expires: Duration) throws {
        let error = #expect(throws: SigV4Error.self) {
            try Self.presign(Self.signer(), "https://bucket.s3.amazonaws.com/key", expires: expires)
        }
        #expect(error?.code == .expiryOutOfRange)
        #expect(
            error?.description.hasPrefix(
                "SigV4Error.expiryOutOfRange: a presigned URL must expire after 1 to 604800 seconds") == true)
    }

    @Test("seven days is the longest expiry accepted")
    func sevenDayExpiry() throws {
        let presigned = try Self.presign(
            Self.signer(), "https://bucket.s3.amazonaws.com/key", expires: .seconds(604_800))
        #expect(presigned.query(percentEncoded: true)?.contains("X-Amz-Expires=604800") == true)
    }

    @Test("the timestamp is UTC in ISO 8601 basic format, without fractions of a second")
    func timestamp() {
        let time = SigningTime(Self.date.addingTimeInterval(0.75))
        #expect(time.timestamp == "20150830T123600Z")
        #expect(time.day == "20150830")
    }

    @Test("payload hashes are lower-case hex SHA-256 or UNSIGNED-PAYLOAD")
    func payloadHashes() {
        #expect(PayloadHash.emptyPayload.value == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let welcome = PayloadHash.sha256(of: Data("Welcome to Amazon S3.".utf8))
        #expect(welcome.value == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        #expect(PayloadHash(sha256Hex: "abc123").value == "abc123")
        #expect(PayloadHash.unsigned.value == "UNSIGNED-PAYLOAD")
    }
}
