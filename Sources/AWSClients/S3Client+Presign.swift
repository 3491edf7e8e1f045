package import Foundation
package import SigV4

extension S3Client {
    /// A URL anyone can GET `key` from until `expires` (1 second to 7 days) has passed, signed with the current credentials.
    ///
    /// With temporary credentials the URL stops working when they expire, whatever `expires` says.
    package func presignedGetURL(bucket: String, key: String, expires: Duration) async throws(AWSError) -> URL {
        try await presignedURL(method: "GET", bucket: bucket, key: key, headers: [], expires: expires)
    }

    /// A URL its holder can PUT one object at `key` to, sending exactly this `Content-Type`, until `expires` has
    /// passed — what a browser uploads an original with.
    package func presignedPutURL(
        bucket: String, key: String, contentType: String, expires: Duration
    ) async throws(AWSError) -> URL {
        try await presignedURL(
            method: "PUT", bucket: bucket, key: key, headers: [HTTPHeader(name: "Content-Type", value: contentType)],
            expires: expires)
    }

    /// `method` on the object, presigned with the current credentials and these headers signed.
    private func presignedURL(
        method: String, bucket: String, key: String, headers: [HTTPHeader], expires: Duration
    ) async throws(AWSError) -> URL {
        let signer = try await client.signer(for: endpoint)
        do {
            return try signer.presignedURL(
                method: method,
                url: objectURL(bucket: bucket, key: key),
                headers: headers,
                payload: .unsigned,
                expires: expires,
                date: client.signingDate()
            )
        } catch {
            throw AWSError(
                .invalidConfiguration, "cannot presign \(key): \(error.message)", retryable: false, cause: error)
        }
    }
}
