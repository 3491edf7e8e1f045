import Foundation
import Testing

@testable import SigV4

/// S3 object keys hold any UTF-8: the URL path built with `URIEncoding` must be the canonical path S3 signs.
struct S3ObjectKeyTests {
    /// An object key and its encoded path, written out by hand from RFC 3986.
    struct KeyExample: Sendable, CustomTestStringConvertible {
        /// The object key as S3 stores it.
        let key: String
        /// The key percent-encoded for the URL path.
        let encodedPath: String
        /// The key, as the test reports it.
        var testDescription: String { key }
    }

    /// Keys with spaces, `+`, Unicode, sub-delimiters, reserved characters and dot segments.
    static let keys = [
        KeyExample(key: "photos/2024/my holiday.jpg", encodedPath: "photos/2024/my%20holiday.jpg"),
        KeyExample(key: "a+b=c.png", encodedPath: "a%2Bb%3Dc.png"),
        KeyExample(key: "ünïcødé/日本.webp", encodedPath: "%C3%BCn%C3%AFc%C3%B8d%C3%A9/%E6%97%A5%E6%9C%AC.webp"),
        KeyExample(key: "😀.heic", encodedPath: "%F0%9F%98%80.heic"),
        KeyExample(key: "~()!*'.gif", encodedPath: "~%28%29%21%2A%27.gif"),
        KeyExample(key: "100%;$&,:@?#[].jpg", encodedPath: "100%25%3B%24%26%2C%3A%40%3F%23%5B%5D.jpg"),
        KeyExample(key: "-._~AZaz09", encodedPath: "-._~AZaz09"),
        KeyExample(key: "a//b/./../c", encodedPath: "a//b/./../c"),
    ]

    /// A signer with S3's rules.
    static let s3 = SigV4Signer(
        credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"),
        service: "s3",
        region: "eu-west-1",
        options: .s3
    )

    @Test("a key encodes with its slashes kept", arguments: keys)
    func encodesKey(example: KeyExample) {
        #expect(URIEncoding.encode(example.key, preservingSlashes: true) == example.encodedPath)
    }

    @Test(
        "the URL built from an encoded key signs with that path, neither normalised nor encoded again", arguments: keys)
    func canonicalPathIsTheEncodedKey(example: KeyExample) throws {
        let encodedKey = URIEncoding.encode(example.key, preservingSlashes: true)
        let url = try #require(URL(string: "https://bucket.s3.eu-west-1.amazonaws.com/\(encodedKey)"))
        #expect(try Self.canonicalPath(Self.s3, url) == "/\(example.encodedPath)")
    }

    @Test("other services double-encode the path and normalise it")
    func otherServicesDoubleEncode() throws {
        var signer = Self.s3
        signer.service = "execute-api"
        signer.options = .standard
        let url = try #require(URL(string: "https://api.example.com/prod/@connections/a%2Bb%3D/./x//y/../"))
        #expect(try Self.canonicalPath(signer, url) == "/prod/%40connections/a%252Bb%253D/x/")
    }

    @Test("a query name or value has its slashes encoded")
    func queryPartsEncodeSlashes() {
        #expect(URIEncoding.encode("a/b c+d", preservingSlashes: false) == "a%2Fb%20c%2Bd")
    }

    /// The second line of the canonical request `signer` builds for a GET of `url`.
    private static func canonicalPath(_ signer: SigV4Signer, _ url: URL) throws -> String {
        let signature = signer.authorize(
            method: "GET",
            target: try RequestTarget(url: url),
            headers: [],
            payload: .unsigned,
            date: Date(timeIntervalSince1970: 0)
        ).signature
        let lines = signature.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        return String(lines[1])
    }
}
