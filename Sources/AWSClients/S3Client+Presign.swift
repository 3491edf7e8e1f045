package import Foundation
import SigV4

extension S3Client {
    /// A URL anyone can GET `key` from until `expires` (1 second to 7 days) has passed, signed with the current credentials.
    ///
    /// With temporary credentials the URL stops working when they expire, whatever `expires` says.
    package func presignedGetURL(bucket: String, key: String, expires: Duration) async throws(AWSError) -> URL {
        let signer = try await client.signer(for: endpoint)
        do {
            return try signer.presignedURL(
                method: "GET",
                url: objectURL(bucket: bucket, key: key),
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
