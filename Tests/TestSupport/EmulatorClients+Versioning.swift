import AWSClients
import Foundation
import SigV4

extension EmulatorClients {
    /// Turns versioning on for `bucket` (S3 PutBucketVersioning).
    package func enableVersioning(bucket: String) async throws {
        let body = """
            <VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status>\
            </VersioningConfiguration>
            """
        _ = try await client.send(
            AWSHTTPRequest(
                method: "PUT", url: s3.endpoint.url(path: "/\(bucket)", query: "versioning"),
                headers: [HTTPHeader(name: "Content-Type", value: "application/xml")], body: Array(body.utf8)),
            to: s3.endpoint, operation: "S3.PutBucketVersioning", logger: Emulator.logger)
    }

    /// Deletes one version of an object for good (S3 DeleteObject with `versionId`): no delete marker is made.
    package func deleteVersion(bucket: String, key: String, versionID: String) async throws {
        var url = s3.objectURL(bucket: bucket, key: key)
        url.append(queryItems: [URLQueryItem(name: "versionId", value: versionID)])
        _ = try await client.send(
            AWSHTTPRequest(method: "DELETE", url: url), to: s3.endpoint, operation: "S3.DeleteObject",
            logger: Emulator.logger)
    }
}
