import Foundation
import Testing

@testable import SigV4

/// `verifyPresigned` accepts what `presignedURL` signs, and refuses with S3's codes whatever was changed, has run out
/// or was never signed.
@Suite("presigned request verification")
struct PresignedVerificationTests {
    /// The signing instant, 2013-05-24T00:00:00Z.
    static let date = Date(timeIntervalSince1970: 1_369_353_600)
    /// How long the URLs stay valid, in seconds.
    static let expires: Int64 = 3_600
    /// The Host header of the local server the URLs point to.
    static let host = HTTPHeader(name: "Host", value: "localhost:9000")
    /// The signed header every upload must send.
    static let contentType = HTTPHeader(name: "Content-Type", value: "image/jpeg")

    /// An S3 signer with the documentation's example keys, temporary when given a token, with `options`.
    static func signer(
        accessKeyID: String = "AKIAIOSFODNN7EXAMPLE",
        sessionToken: String? = nil,
        options: SigV4Signer.Options = .s3
    ) -> SigV4Signer {
        SigV4Signer(
            credentials: Credentials(
                accessKeyID: accessKeyID,
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                sessionToken: sessionToken
            ),
            service: "s3",
            region: "us-east-1",
            options: options
        )
    }

    /// A PUT of `key` in the local bucket `originals`, presigned at `date` with `Content-Type` signed.
    static func presignedPut(key: String = "photos/cat.jpg", by signer: SigV4Signer = signer()) throws -> URL {
        let encodedKey = URIEncoding.encode(key, preservingSlashes: true)
        return try signer.presignedURL(
            method: "PUT",
            url: try #require(URL(string: "http://localhost:9000/originals/\(encodedKey)")),
            headers: [contentType],
            payload: .unsigned,
            expires: .seconds(expires),
            date: date
        )
    }

    /// Verifies a PUT of `url` with `headers`, by default a second after `date`.
    static func verify(
        _ url: URL,
        headers: [HTTPHeader] = [host, contentType],
        method: String = "PUT",
        now: Date = date.addingTimeInterval(1),
        by verifier: SigV4Signer = signer()
    ) throws(PresignedRequestRefusal) {
        try verifier.verifyPresigned(method: method, url: url, headers: headers, now: now)
    }

    /// `url` with its percent-encoded query items changed by `edit`.
    static func editingQuery(_ url: URL, _ edit: (inout [URLQueryItem]) -> Void) throws -> URL {
        var components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        var items = components.percentEncodedQueryItems ?? []
        edit(&items)
        components.percentEncodedQueryItems = items
        return try #require(components.url)
    }

    /// `url` with the query parameter `name` set to the percent-encoded `value`, or removed when `value` is `nil`.
    static func replacing(_ name: String, with value: String?, in url: URL) throws -> URL {
        try editingQuery(url) { items in
            items.removeAll { $0.name == name }
            if let value {
                items.append(URLQueryItem(name: name, value: value))
            }
        }
    }

    @Test("a PUT presigned by presignedURL verifies, header names in any case, until the last second")
    func presignedPutVerifies() throws {
        let url = try Self.presignedPut()
        try Self.verify(url)
        try Self.verify(url, headers: [HTTPHeader(name: "content-type", value: "image/jpeg"), Self.host])
        try Self.verify(url, now: Self.date.addingTimeInterval(TimeInterval(Self.expires)))
        try Self.verify(url, now: Self.date.addingTimeInterval(-15 * 60))
    }

    @Test("the request as received verifies: a URL parsed again from the presigned text")
    func reparsedURLVerifies() throws {
        let url = try Self.presignedPut()
        try Self.verify(try #require(URL(string: url.absoluteString)))
    }

    @Test("a tampered signature does not match")
    func tamperedSignature() throws {
        let url = try Self.presignedPut()
        let items = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems)
        let signature = try #require(items.first { $0.name == "X-Amz-Signature" }?.value)
        let tampered = String(signature.dropLast()) + (signature.hasSuffix("0") ? "1" : "0")
        let tamperedURL = try Self.replacing("X-Amz-Signature", with: tampered, in: url)
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(tamperedURL) }
        #expect(refusal?.code == .signatureDoesNotMatch)
        #expect(refusal?.message.hasPrefix("The request signature we calculated does not match") == true)
        #expect(refusal?.code.httpStatus == 403)
    }

    @Test("another key in the path does not match")
    func tamperedKey() throws {
        var components = try #require(URLComponents(url: try Self.presignedPut(), resolvingAgainstBaseURL: false))
        components.percentEncodedPath = "/originals/photos/dog.jpg"
        let url = try #require(components.url)
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .signatureDoesNotMatch)
    }

    @Test("another method does not match")
    func otherMethod() throws {
        let url = try Self.presignedPut()
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url, method: "GET") }
        #expect(refusal?.code == .signatureDoesNotMatch)
    }

    @Test("a signed header sent with another value does not match")
    func changedSignedHeader() throws {
        let url = try Self.presignedPut()
        let headers = [Self.host, HTTPHeader(name: "Content-Type", value: "text/html")]
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url, headers: headers) }
        #expect(refusal?.code == .signatureDoesNotMatch)
        #expect(refusal?.message.contains("(content-type;host)") == true)
    }

    @Test("a request without a signed header is refused, naming the header")
    func missingSignedHeader() throws {
        let url = try Self.presignedPut()
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url, headers: [Self.host]) }
        #expect(refusal?.code == .signatureDoesNotMatch)
        #expect(refusal?.message.contains("lacks the signed header 'content-type'") == true)
    }

    @Test("a request a second past its expiry has expired")
    func expired() throws {
        let url = try Self.presignedPut()
        let now = Self.date.addingTimeInterval(TimeInterval(Self.expires + 1))
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url, now: now) }
        #expect(refusal?.code == .accessDenied)
        #expect(
            refusal?.message
                == "Request has expired: it was presigned at 20130524T000000Z to stay valid 3600 seconds, "
                + "until 20130524T010000Z. Ask for a new presigned URL.")
    }

    @Test("a request dated more than 15 minutes ahead is not valid yet")
    func notYetValid() throws {
        let url = try Self.presignedPut()
        let now = Self.date.addingTimeInterval(-15 * 60 - 1)
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url, now: now) }
        #expect(refusal?.code == .accessDenied)
        #expect(refusal?.message.hasPrefix("Request is not valid yet") == true)
    }

    @Test("a URL presigned with another access key names an unknown key")
    func otherAccessKey() throws {
        let url = try Self.presignedPut(by: Self.signer(accessKeyID: "AKIAOTHERKEYEXAMPLE"))
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .invalidAccessKeyID)
        #expect(refusal?.description.hasPrefix("InvalidAccessKeyId: ") == true)
        #expect(refusal?.message.contains("'AKIAOTHERKEYEXAMPLE'") == true)
    }

    @Test("a URL without X-Amz-Signature lacks an authentication parameter")
    func missingSignature() throws {
        let url = try Self.replacing("X-Amz-Signature", with: nil, in: try Self.presignedPut())
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .authorizationQueryParametersError)
        #expect(refusal?.message.contains("this request lacks X-Amz-Signature.") == true)
        #expect(refusal?.code.httpStatus == 400)
    }

    @Test(
        "a malformed authentication parameter is refused before the signature is checked",
        arguments: [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA1"),
            ("X-Amz-Date", "2013-05-24T00%3A00%3A00Z"),
            ("X-Amz-Date", "20130524T000000.5Z"),
            ("X-Amz-Date", "20130524T000000%2B0100"),
            ("X-Amz-Date", "20130231T000000Z"),
            ("X-Amz-Expires", "0"),
            ("X-Amz-Expires", "604801"),
            ("X-Amz-Expires", "%2B3600"),
            ("X-Amz-Expires", "soon"),
            ("X-Amz-SignedHeaders", "host%3Bcontent-type"),
            ("X-Amz-SignedHeaders", "Content-Type%3Bhost"),
            ("X-Amz-SignedHeaders", "content-type%3B%3Bhost"),
            ("X-Amz-Signature", String(repeating: "A", count: 64)),
            ("X-Amz-Signature", "abc123"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130525%2Fus-east-1%2Fs3%2Faws4_request"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fsqs%2Faws4_request"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws5_request"),
        ]
    )
    func malformedParameter(name: String, value: String) throws {
        let url = try Self.replacing(name, with: value, in: try Self.presignedPut())
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .authorizationQueryParametersError)
    }

    @Test("an authentication parameter sent twice is refused")
    func repeatedParameter() throws {
        let url = try Self.editingQuery(try Self.presignedPut()) { items in
            items.append(URLQueryItem(name: "X-Amz-Expires", value: "604800"))
        }
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .authorizationQueryParametersError)
        #expect(refusal?.message.hasPrefix("X-Amz-Expires appears more than once") == true)
    }

    @Test("an extra query parameter does not match: the whole query is signed")
    func extraQueryParameter() throws {
        let url = try Self.editingQuery(try Self.presignedPut()) { items in
            items.append(URLQueryItem(name: "x-id", value: "PutObject"))
        }
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .signatureDoesNotMatch)
    }

    @Test("an x-amz- header sent unsigned is refused, as S3 does; x-amz-content-sha256 may go unsigned")
    func unsignedAmzHeader() throws {
        let url = try Self.presignedPut()
        let acl = HTTPHeader(name: "x-amz-acl", value: "public-read")
        let refusal = #expect(throws: PresignedRequestRefusal.self) {
            try Self.verify(url, headers: [Self.host, Self.contentType, acl])
        }
        #expect(refusal?.code == .accessDenied)
        #expect(
            refusal?.message.hasPrefix("There were headers present in the request which were not signed: x-amz-acl.")
                == true)

        let contentSHA256 = HTTPHeader(name: "x-amz-content-sha256", value: "UNSIGNED-PAYLOAD")
        let unsignedHeaders = [
            Self.host, Self.contentType, contentSHA256, HTTPHeader(name: "x-amzn-trace-id", value: "1"),
        ]
        try Self.verify(url, headers: unsignedHeaders)
    }

    @Test("a URL that does not sign host is refused")
    func hostNotSigned() throws {
        let url = try Self.replacing("X-Amz-SignedHeaders", with: "content-type", in: try Self.presignedPut())
        let refusal = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(url) }
        #expect(refusal?.code == .accessDenied)
        #expect(refusal?.message.contains("not signed: host.") == true)
    }

    @Test(
        "a key with spaces, reserved characters or Unicode round-trips",
        arguments: [
            "photos/2024/my holiday.jpg", "a+b=c.png", "ünïcødé/日本.webp", "😀.heic", "100%;$&,:@?#[].jpg",
        ]
    )
    func keyRoundTrips(key: String) throws {
        let url = try Self.presignedPut(key: key)
        try Self.verify(try #require(URL(string: url.absoluteString)))
    }

    @Test("temporary credentials verify with their token, signed or attached after signing")
    func sessionToken() throws {
        let token = "FwoGZXIvYXdzE/+token=="
        for options in [
            SigV4Signer.Options.s3,
            .init(pathEncoding: .singleEncoded, sendsPayloadHashHeader: true, signsSessionToken: false),
        ] {
            let signer = Self.signer(sessionToken: token, options: options)
            let url = try Self.presignedPut(by: signer)
            try Self.verify(url, by: signer)

            let otherToken = #expect(throws: PresignedRequestRefusal.self) {
                try Self.verify(url, by: Self.signer(sessionToken: "another", options: options))
            }
            #expect(otherToken?.code == .invalidToken)
            let noToken = #expect(throws: PresignedRequestRefusal.self) {
                try Self.verify(url, by: Self.signer(options: options))
            }
            #expect(noToken?.code == .invalidToken)
            let missing = try Self.replacing("X-Amz-Security-Token", with: nil, in: url)
            let missingToken = #expect(throws: PresignedRequestRefusal.self) { try Self.verify(missing, by: signer) }
            #expect(missingToken?.code == .invalidToken)
        }
    }
}
