package import AWSClients
package import AppCore
import Foundation

/// The app's links on AWS: presigned S3 PUTs for uploads, and the S3 URL of a thumbnail whose event had none.
package struct S3ObjectLinks: ObjectLinks {
    /// Signs with the worker's credentials.
    package var s3: S3Client
    /// How long an upload URL stays valid.
    package var validity: Duration

    /// Links signed by `s3`'s credentials.
    package init(s3: S3Client, validity: Duration) {
        self.s3 = s3
        self.validity = validity
    }

    /// A presigned S3 PUT of `key` with this `Content-Type` signed; the request's host plays no part.
    package func uploadURL(
        bucket: String, key: String, contentType: String, requestHost: String?
    ) async throws(AppError) -> String {
        do {
            return try await s3.presignedPutURL(bucket: bucket, key: key, contentType: contentType, expires: validity)
                .absoluteString
        } catch {
            throw AppError(.catalogUnavailable, "cannot presign the upload: \(error.message)", cause: error)
        }
    }

    /// The thumbnail's plain S3 URL (the worker's events carry presigned ones when `destination.presign_seconds` is set).
    package func thumbnailURL(bucket: String, key: String) -> String {
        s3.objectURL(bucket: bucket, key: key).absoluteString
    }
}
