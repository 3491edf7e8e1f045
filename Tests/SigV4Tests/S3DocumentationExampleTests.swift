import Foundation
import Testing

@testable import SigV4

/// The worked examples of the S3 SigV4 documentation, signed with its example keys at 2013-05-24T00:00:00Z:
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html.
struct S3DocumentationExampleTests {
    /// An S3 signer with the documentation's example keys.
    static let signer = SigV4Signer(
        credentials: Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        service: "s3",
        region: "us-east-1",
        options: .s3
    )
    /// The documentation's signing instant.
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    /// One header-signed request of the documentation and the signature it gives.
    struct HeaderExample: Sendable, CustomTestStringConvertible {
        /// What the example shows, as the test reports it.
        let name: String
        /// The HTTP method.
        let method: String
        /// The request URL.
        let url: String
        /// The headers other than those the signer adds.
        let headers: [HTTPHeader]
        /// The body's hash.
        let payload: PayloadHash
        /// The documented `SignedHeaders` list.
        let signedHeaders: String
        /// The documented signature.
        let signature: String
        /// The example's name.
        var testDescription: String { name }
    }

    /// The documentation's header-signed requests.
    static let headerExamples = [
        HeaderExample(
            name: "GET object with a range",
            method: "GET",
            url: "https://examplebucket.s3.amazonaws.com/test.txt",
            headers: [HTTPHeader(name: "Range", value: "bytes=0-9")],
            payload: .emptyPayload,
            signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        ),
        HeaderExample(
            name: "PUT object whose key holds a $",
            method: "PUT",
            url: "https://examplebucket.s3.amazonaws.com/test%24file.text",
            headers: [
                HTTPHeader(name: "Date", value: "Fri, 24 May 2013 00:00:00 GMT"),
                HTTPHeader(name: "x-amz-storage-class", value: "REDUCED_REDUNDANCY"),
            ],
            payload: .sha256(of: Array("Welcome to Amazon S3.".utf8)),
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        ),
        HeaderExample(
            name: "GET bucket lifecycle (query parameter without value)",
            method: "GET",
            url: "https://examplebucket.s3.amazonaws.com/?lifecycle",
            headers: [],
            payload: .emptyPayload,
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        ),
        HeaderExample(
            name: "GET bucket listing (two query parameters)",
            method: "GET",
            url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
            headers: [],
            payload: .emptyPayload,
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        ),
    ]

    @Test("header signing gives the documented signature", arguments: headerExamples)
    func headerSigning(example: HeaderExample) throws {
        let headers = try Self.signer.signedHeaders(
            method: example.method,
            url: try #require(URL(string: example.url)),
            headers: example.headers,
            payload: example.payload,
            date: Self.date
        )
        let authorization = try #require(headers.first { $0.name == "Authorization" }).value
        #expect(
            authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(example.signedHeaders), Signature=\(example.signature)"
        )
        #expect(headers.contains(HTTPHeader(name: "x-amz-content-sha256", value: example.payload.value)))
        #expect(headers.contains(HTTPHeader(name: "X-Amz-Date", value: "20130524T000000Z")))
        #expect(headers.contains(HTTPHeader(name: "host", value: "examplebucket.s3.amazonaws.com")))
    }

    @Test("the ranged GET's canonical request is the documented one")
    func rangedGetCanonicalRequest() throws {
        let example = Self.headerExamples[0]
        let signature = Self.signer.authorize(
            method: example.method,
            target: try RequestTarget(url: try #require(URL(string: example.url))),
            headers: example.headers,
            payload: example.payload,
            date: Self.date
        ).signature
        #expect(
            signature.canonicalRequest == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        #expect(
            signature.stringToSign == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """
        )
    }

    @Test("a presigned GET is the documented URL")
    func presignedGet() throws {
        let url = try Self.signer.presignedURL(
            method: "GET",
            url: try #require(URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")),
            payload: .unsigned,
            expires: .seconds(86_400),
            date: Self.date
        )
        #expect(
            url.absoluteString == "https://examplebucket.s3.amazonaws.com/test.txt"
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )
    }
}
