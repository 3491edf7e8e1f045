import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// S3 against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct S3IntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    @Test(
        "PutObject, HeadObject and GetObject round-trip content and metadata",
        arguments: [
            "plain.jpg",
            "with space.jpg",
            "a+b=c&d.jpg",
            "unicodé/ü 東京 🙂.png",
            "tilde~(paren)!star*'quote.jpg",
            "deep/nested//dir/file.webp",
            "percent%20literal.jpg",
        ]
    )
    func roundTrip(key: String) async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            let body = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let put = try await aws.s3.putObject(
                S3.PutObjectRequest(
                    bucket: bucket,
                    key: key,
                    body: body,
                    contentType: "image/jpeg",
                    cacheControl: "public, max-age=60",
                    userMetadata: ["source-width": "640", "Origin": "test"]
                ),
                logger: Self.logger
            )
            let head = try await aws.s3.headObject(bucket: bucket, key: key, logger: Self.logger)
            #expect(head.contentLength == body.count)
            #expect(head.eTag == put.eTag)
            #expect(head.contentType == "image/jpeg")
            #expect(head.cacheControl == "public, max-age=60")
            #expect(head.userMetadata == ["source-width": "640", "origin": "test"])
            #expect(head.lastModified != nil)
            let object = try await aws.s3.getObject(bucket: bucket, key: key, maxBytes: body.count, logger: Self.logger)
            #expect(object.body == body)
            #expect(object.metadata.eTag == put.eTag)
        }
    }

    @Test("server-side encryption and storage class are stored")
    func encryptionAndStorageClass() async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            _ = try await aws.s3.putObject(
                S3.PutObjectRequest(
                    bucket: bucket,
                    key: "k",
                    body: [1],
                    serverSideEncryption: .s3Managed,
                    storageClass: "STANDARD_IA"
                ),
                logger: Self.logger
            )
            let head = try await aws.s3.headObject(bucket: bucket, key: "k", logger: Self.logger)
            #expect(head.serverSideEncryption == "AES256")
            #expect(head.storageClass == "STANDARD_IA")
        }
    }

    @Test("a versioned bucket's version id comes back from PutObject and HeadObject")
    func versionID() async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            let configuration =
                #"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#
            let request = AWSHTTPRequest(
                method: "PUT",
                url: aws.s3.endpoint.url(path: "/\(bucket)", query: "versioning"),
                body: Array(configuration.utf8)
            )
            _ = try await aws.client.send(
                request, to: aws.s3.endpoint, operation: "S3.PutBucketVersioning", logger: Self.logger)
            let put = try await aws.s3.putObject(
                S3.PutObjectRequest(bucket: bucket, key: "v", body: [1, 2]),
                logger: Self.logger
            )
            let versionID = try #require(put.versionID)
            #expect(try await aws.s3.headObject(bucket: bucket, key: "v", logger: Self.logger).versionID == versionID)
        }
    }

    @Test("GetObject above the byte cap aborts with responseTooLarge; at the cap it succeeds; HeadObject needs no cap")
    func byteCap() async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            let body = [UInt8](repeating: 7, count: 300_000)
            _ = try await aws.s3.putObject(
                S3.PutObjectRequest(bucket: bucket, key: "big", body: body), logger: Self.logger)
            let error = await #expect(throws: AWSError.self) {
                try await aws.s3.getObject(bucket: bucket, key: "big", maxBytes: 100_000, logger: Self.logger)
            }
            #expect(error?.code == .responseTooLarge)
            #expect(error?.isRetryable == false)
            #expect(
                try await aws.s3.getObject(bucket: bucket, key: "big", maxBytes: 300_000, logger: Self.logger).body
                    .count
                    == 300_000
            )
            #expect(
                try await aws.s3.headObject(bucket: bucket, key: "big", logger: Self.logger).contentLength == 300_000)
        }
    }

    @Test("a missing key is NoSuchKey on GET and NotFound on HEAD, both final")
    func missingKey() async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            let get = await #expect(throws: AWSError.self) {
                try await aws.s3.getObject(bucket: bucket, key: "nope", maxBytes: 10, logger: Self.logger)
            }
            #expect(get?.code == .service)
            #expect(get?.serviceCode == "NoSuchKey")
            #expect(get?.statusCode == 404)
            #expect(get?.requestID != nil)
            #expect(get?.isRetryable == false)
            let head = await #expect(throws: AWSError.self) {
                try await aws.s3.headObject(bucket: bucket, key: "nope", logger: Self.logger)
            }
            #expect(head?.serviceCode == "NotFound")
            #expect(head?.statusCode == 404)
            #expect(head?.isRetryable == false)
        }
    }

    @Test("a wrong secret is refused with SignatureDoesNotMatch")
    func wrongSecret() async throws {
        let key = try await Emulator.testCredentials.value
        let wrong = Credentials(accessKeyID: key.accessKeyID, secretAccessKey: "not-the-secret")
        let bucket = try await Emulator.withClients { try await $0.makeBucket() }
        try await Emulator.withClients(credentials: wrong) { aws in
            let error = await #expect(throws: AWSError.self) {
                try await aws.s3.getObject(bucket: bucket, key: "k", maxBytes: 10, logger: Self.logger)
            }
            #expect(error?.code == .service)
            #expect(error?.serviceCode == "SignatureDoesNotMatch")
            #expect(error?.statusCode == 403)
            #expect(error?.isRetryable == false)
        }
    }

    @Test("a clock an hour behind is corrected from the server's Date: GET and HEAD succeed, each client learns once")
    func skewedClock() async throws {
        let bucket = try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            _ = try await aws.s3.putObject(
                S3.PutObjectRequest(bucket: bucket, key: "k", body: Array("hello".utf8)), logger: Self.logger)
            return bucket
        }
        try await Emulator.withClients(clockOffset: -3600) { aws in
            let object = try await aws.s3.getObject(bucket: bucket, key: "k", maxBytes: 10, logger: Self.logger)
            #expect(object.body == Array("hello".utf8))
            let correction = aws.s3.client.clockCorrection.seconds
            #expect(abs(correction - 3600) < 120, "learned the hour from the refusal's Date: \(correction)")
        }
        try await Emulator.withClients(clockOffset: -3600) { aws in
            // A HEAD refusal has no body to name the error: the Date alone says the clock is off.
            let head = try await aws.s3.headObject(bucket: bucket, key: "k", logger: Self.logger)
            #expect(head.contentLength == 5)
        }
    }

    @Test("a presigned URL downloads without other credentials; a tampered or expired one is refused")
    func presignedURL() async throws {
        try await Emulator.withClients { aws in
            let bucket = try await aws.makeBucket()
            let key = "shared/a b+ü.jpg"
            _ = try await aws.s3.putObject(
                S3.PutObjectRequest(bucket: bucket, key: key, body: Array("pixels".utf8)),
                logger: Self.logger
            )
            let url = try await aws.s3.presignedGetURL(bucket: bucket, key: key, expires: .seconds(300))
            let response = try await aws.transport.send(AWSHTTPRequest(method: "GET", url: url), logger: Self.logger)
            #expect(response.status == 200)
            #expect(response.body == Array("pixels".utf8))

            let tampered = try #require(
                URL(string: url.absoluteString.replacingOccurrences(of: "shared/", with: "other/")))
            let refused = try await aws.transport.send(
                AWSHTTPRequest(method: "GET", url: tampered), logger: Self.logger)
            let tamperedError = AWSError(response: refused, operation: "S3.GetObject")
            #expect(tamperedError.serviceCode == "SignatureDoesNotMatch")
            #expect(tamperedError.statusCode == 403)
            #expect(!tamperedError.isRetryable)
        }
        try await Emulator.withClients(clockOffset: -7200) { aws in
            let url = try await aws.s3.presignedGetURL(bucket: "any", key: "k", expires: .seconds(60))
            let expired = try await aws.transport.send(AWSHTTPRequest(method: "GET", url: url), logger: Self.logger)
            let expiredError = AWSError(response: expired, operation: "S3.GetObject")
            #expect(expiredError.serviceCode == "AccessDenied")
            #expect(expiredError.statusCode == 403)
            #expect(expiredError.message.contains("expired"))
        }
    }
}
