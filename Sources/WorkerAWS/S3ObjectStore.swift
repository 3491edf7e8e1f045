package import AWSClients
import Foundation
package import Logging
package import WorkerCore

/// An `ObjectStore` over S3 (or an S3-compatible store).
///
/// Only a missing object (`notFound`) and an oversized one (`tooLarge`) are permanent. Everything else — network,
/// throttling, but also access denied and bad credentials — is retryable: those are fixed by operators, not by the
/// image, so the message must come back (and end in the dead-letter queue) rather than be reported as a bad upload.
/// Listing and deleting (a backfill's calls, not a job's) also fail for good on a bucket that does not exist.
package struct S3ObjectStore: ObjectStore {
    /// The client.
    package let client: S3Client
    /// Where requests are logged.
    package let logger: Logger

    /// A store over `client`.
    package init(client: S3Client, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The object's size, entity tag and user metadata, or nil when it does not exist.
    package func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject? {
        do {
            let metadata = try await client.headObject(bucket: bucket, key: key, logger: logger)
            return StoredObject(
                size: metadata.contentLength, eTag: metadata.eTag.map(Self.unquoted),
                metadata: Dictionary(metadata.userMetadata.map { ($0.key.lowercased(), $0.value) }) { $1 },
                versionID: metadata.versionID)
        } catch  where Self.isMissing(error) {
            return nil
        } catch {
            throw Self.workerError(error, "HEAD", bucket: bucket, key: key)
        }
    }

    /// Downloads the object, aborting past `maxBytes`.
    package func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8] {
        do {
            return try await client.getObject(bucket: bucket, key: key, maxBytes: maxBytes, logger: logger).body
        } catch {
            if error.code == .responseTooLarge {
                throw WorkerError(
                    .tooLarge, "s3://\(bucket)/\(key) is larger than \(maxBytes) bytes (limits.max_input_bytes)")
            }
            throw Self.workerError(error, "GET", bucket: bucket, key: key)
        }
    }

    /// Uploads the object with its Content-Type, Cache-Control and user metadata.
    package func put(_ upload: ObjectUpload) async throws(WorkerError) -> String? {
        do {
            let result = try await client.putObject(
                S3.PutObjectRequest(
                    bucket: upload.bucket, key: upload.key, body: upload.body, contentType: upload.contentType,
                    cacheControl: upload.cacheControl, userMetadata: upload.metadata), logger: logger)
            return result.eTag.map(Self.unquoted)
        } catch {
            throw Self.workerError(error, "PUT", bucket: upload.bucket, key: upload.key)
        }
    }

    /// One ListObjectsV2 page, started after `after` (S3's StartAfter), so no continuation token is needed.
    package func list(bucket: String, prefix: String, after: String?, limit: Int) async throws(WorkerError)
        -> ObjectListing
    {
        do {
            let page = try await client.listObjectsV2(
                bucket: bucket, prefix: prefix, startAfter: after, maxKeys: limit, logger: logger)
            return ObjectListing(
                objects: page.objects.map {
                    ListedObject(key: $0.key, size: $0.size, eTag: $0.eTag, lastModified: $0.lastModified)
                },
                isTruncated: page.isTruncated)
        } catch {
            throw missingBucket(error, bucket: bucket) ?? Self.workerError(error, "LIST", bucket: bucket, key: prefix)
        }
    }

    /// Deletes the object; S3 answers success for a missing key.
    package func delete(bucket: String, key: String) async throws(WorkerError) {
        do {
            try await client.deleteObject(bucket: bucket, key: key, logger: logger)
        } catch {
            throw missingBucket(error, bucket: bucket) ?? Self.workerError(error, "DELETE", bucket: bucket, key: key)
        }
    }

    /// `s3://bucket/key`.
    package func displayName(bucket: String, key: String) -> String {
        "s3://\(bucket)/\(key)"
    }

    private static func isMissing(_ error: AWSError) -> Bool {
        error.statusCode == 404 || error.serviceCode == "NoSuchKey" || error.serviceCode == "NotFound"
    }

    /// The permanent error of a bucket that does not exist (`NoSuchBucket`), or nil for any other failure.
    private func missingBucket(_ error: AWSError, bucket: String) -> WorkerError? {
        guard error.serviceCode == "NoSuchBucket" else { return nil }
        return WorkerError(
            .notFound,
            "the bucket '\(bucket)' does not exist at \(client.endpoint.url.absoluteString): check the bucket name, "
                + "the region and the S3 endpoint in the configuration",
            cause: error)
    }

    private static func workerError(_ error: AWSError, _ operation: String, bucket: String, key: String) -> WorkerError
    {
        if isMissing(error) && operation == "GET" {
            return WorkerError(.notFound, "s3://\(bucket)/\(key) does not exist")
        }
        if operation == "HEAD" && error.statusCode == 403 {
            // A HEAD answer has no body, so S3 cannot say which: SignatureDoesNotMatch, AccessDenied, a skewed clock.
            return WorkerError(
                .storage,
                "HEAD s3://\(bucket)/\(key) was refused (HTTP 403): check the secret access key and the machine's "
                    + "clock, and that the credentials' policy allows s3:GetObject on the object",
                retryable: true, cause: error)
        }
        return WorkerError(.storage, "\(operation) s3://\(bucket)/\(key) failed", retryable: true, cause: error)
    }

    private static func unquoted(_ eTag: String) -> String {
        eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}
