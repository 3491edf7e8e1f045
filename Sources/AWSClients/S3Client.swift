package import Foundation
package import Logging
import SigV4

/// The S3 operations the worker needs: GetObject (with a byte cap), HeadObject, PutObject, DeleteObject,
/// ListObjectsV2 and presigned GET URLs.
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

    /// Deletes an object; S3 answers success for a key that does not exist
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html).
    package func deleteObject(bucket: String, key: String, logger: Logger) async throws(AWSError) {
        let request = AWSHTTPRequest(method: "DELETE", url: objectURL(bucket: bucket, key: key))
        _ = try await client.send(request, to: endpoint, operation: "S3.DeleteObject", logger: logger)
    }

    /// One page of the objects whose keys start with `prefix`, in ascending UTF-8 byte order of their keys
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
    ///
    /// The page starts strictly after `startAfter`, or where `continuationToken` (from the previous page) says, and
    /// holds at most `maxKeys` objects (S3 gives at most 1000 whatever is asked). Keys are asked for URL-encoded
    /// (`encoding-type=url`), since XML 1.0 cannot carry every character a key may hold, and decoded here.
    package func listObjectsV2(
        bucket: String,
        prefix: String? = nil,
        startAfter: String? = nil,
        continuationToken: String? = nil,
        maxKeys: Int? = nil,
        logger: Logger
    ) async throws(AWSError) -> S3.ListObjectsPage {
        let parameters: [(String, String?)] = [
            ("list-type", "2"), ("encoding-type", "url"), ("prefix", prefix), ("start-after", startAfter),
            ("continuation-token", continuationToken), ("max-keys", maxKeys.map(String.init)),
        ]
        let query = parameters.compactMap { name, value in
            value.map { "\(name)=\(URIEncoding.encode($0, preservingSlashes: false))" }
        }
        let request = AWSHTTPRequest(
            method: "GET",
            url: addressing.bucketURL(bucket: bucket, query: query.joined(separator: "&"), endpoint: endpoint)
        )
        let response = try await client.send(request, to: endpoint, operation: "S3.ListObjectsV2", logger: logger)
        guard let answer = XMLTree(parsing: response.body) else {
            throw AWSError(
                .invalidResponse, "S3.ListObjectsV2: the answer is not XML", statusCode: response.status,
                requestID: response.requestID, retryable: false)
        }
        return try Self.page(answer)
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

    /// Reads a `ListBucketResult`; keys are decoded only when the answer says they were encoded (`EncodingType`), as a
    /// store that ignores `encoding-type` sends them as they are.
    private static func page(_ answer: XMLTree) throws(AWSError) -> S3.ListObjectsPage {
        let isEncoded = answer.child("EncodingType")?.text == "url"
        var objects: [S3.ObjectSummary] = []
        for contents in answer.children where contents.name == "Contents" {
            let text = try contents.requiredText("Key")
            guard let key = isEncoded ? formDecoded(text) : text, let size = Int(try contents.requiredText("Size"))
            else {
                throw AWSError(
                    .invalidResponse, "S3.ListObjectsV2: the object '\(text)' has an unreadable key or size",
                    retryable: false)
            }
            objects.append(
                S3.ObjectSummary(
                    key: key,
                    size: size,
                    eTag: contents.child("ETag").map {
                        $0.text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    },
                    lastModified: contents.child("LastModified").flatMap { ISO8601Timestamp.parse($0.text) }
                )
            )
        }
        return S3.ListObjectsPage(
            objects: objects,
            isTruncated: answer.child("IsTruncated")?.text == "true",
            nextContinuationToken: answer.child("NextContinuationToken")?.text
        )
    }

    /// Undoes S3's `encoding-type=url`, which encodes a space as `+` and a `+` as `%2B` (form encoding); nil for a
    /// malformed escape.
    private static func formDecoded(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
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
