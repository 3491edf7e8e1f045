package import Foundation
package import Logging
import SigV4

/// The S3 operations the worker needs: GetObject (with a byte cap), HeadObject, PutObject and presigned GET URLs.
package struct S3Client: Sendable {
    /// Signs, sends and retries.
    package let client: AWSClient
    /// Where S3 is and the region requests are signed for.
    package let endpoint: AWSEndpoint
    /// Virtual-hosted or path-style bucket addressing.
    package let addressing: S3AddressingStyle

    /// Makes a client for the S3 endpoint.
    package init(client: AWSClient, endpoint: AWSEndpoint, addressing: S3AddressingStyle = .automatic) {
        self.client = client
        self.endpoint = endpoint
        self.addressing = addressing
    }

    /// Downloads an object into memory; one larger than `maxBytes` aborts the download with `responseTooLarge`.
    package func getObject(
        bucket: String,
        key: String,
        maxBytes: Int,
        timeout: Duration = .seconds(120),
        logger: Logger
    ) async throws(AWSError) -> S3.Object {
        let request = AWSHTTPRequest(
            method: "GET",
            url: objectURL(bucket: bucket, key: key),
            timeout: timeout,
            maxResponseBytes: maxBytes
        )
        let response = try await client.send(request, to: endpoint, operation: "S3.GetObject", logger: logger)
        return S3.Object(metadata: Self.metadata(response), body: response.body)
    }

    /// Reads an object's size, type and metadata without its content; a missing object is the service error `NotFound` (404).
    package func headObject(bucket: String, key: String, logger: Logger) async throws(AWSError) -> S3.ObjectMetadata {
        let request = AWSHTTPRequest(method: "HEAD", url: objectURL(bucket: bucket, key: key), maxResponseBytes: 0)
        return Self.metadata(try await client.send(request, to: endpoint, operation: "S3.HeadObject", logger: logger))
    }

    /// Stores an object in one request.
    package func putObject(
        _ object: S3.PutObjectRequest,
        timeout: Duration = .seconds(120),
        logger: Logger
    ) async throws(AWSError) -> S3.PutObjectResult {
        let request = AWSHTTPRequest(
            method: "PUT",
            url: objectURL(bucket: object.bucket, key: object.key),
            headers: try Self.headers(object),
            body: object.body,
            timeout: timeout
        )
        let response = try await client.send(request, to: endpoint, operation: "S3.PutObject", logger: logger)
        return S3.PutObjectResult(eTag: response.header("ETag"), versionID: response.header("x-amz-version-id"))
    }

    /// The URL a request for `key` in `bucket` goes to, in this client's addressing style.
    package func objectURL(bucket: String, key: String) -> URL {
        addressing.objectURL(bucket: bucket, key: key, endpoint: endpoint)
    }

    private static func headers(_ object: S3.PutObjectRequest) throws(AWSError) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        if let contentType = object.contentType { headers.append(HTTPHeader(name: "Content-Type", value: contentType)) }
        if let cacheControl = object.cacheControl {
            headers.append(HTTPHeader(name: "Cache-Control", value: cacheControl))
        }
        if let storageClass = object.storageClass {
            headers.append(HTTPHeader(name: "x-amz-storage-class", value: storageClass))
        }
        switch object.serverSideEncryption {
        case nil:
            break
        case .s3Managed:
            headers.append(HTTPHeader(name: "x-amz-server-side-encryption", value: "AES256"))
        case .kms(let keyID):
            headers.append(HTTPHeader(name: "x-amz-server-side-encryption", value: "aws:kms"))
            if let keyID {
                headers.append(HTTPHeader(name: "x-amz-server-side-encryption-aws-kms-key-id", value: keyID))
            }
        }
        for (name, value) in object.userMetadata.sorted(by: { $0.key < $1.key }) {
            guard (name + value).allSatisfy({ $0.isASCII && !$0.isNewline }), !name.isEmpty else {
                throw AWSError(
                    .invalidConfiguration,
                    "S3 user metadata '\(name)' must be a non-empty ASCII name with a one-line ASCII value",
                    retryable: false
                )
            }
            headers.append(HTTPHeader(name: "x-amz-meta-\(name)", value: value))
        }
        return headers
    }

    private static func metadata(_ response: AWSHTTPResponse) -> S3.ObjectMetadata {
        let prefix = "x-amz-meta-"
        var userMetadata: [String: String] = [:]
        for header in response.headers where header.name.lowercased().hasPrefix(prefix) {
            userMetadata[String(header.name.lowercased().dropFirst(prefix.count))] = header.value
        }
        return S3.ObjectMetadata(
            contentLength: response.header("Content-Length").flatMap { Int($0) } ?? response.body.count,
            eTag: response.header("ETag"),
            contentType: response.header("Content-Type"),
            cacheControl: response.header("Cache-Control"),
            lastModified: response.header("Last-Modified").flatMap(HTTPDate.parse),
            versionID: response.header("x-amz-version-id"),
            storageClass: response.header("x-amz-storage-class"),
            serverSideEncryption: response.header("x-amz-server-side-encryption"),
            userMetadata: userMetadata
        )
    }
}
