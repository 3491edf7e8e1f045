package import AppCore
package import Foundation
package import SigV4

/// Links for the local backends: presigned PUTs to `serve`'s own `/local/{bucket}/{key}`, signed with the server's
/// key exactly as S3 presigns and checked by `LocalBuckets` before anything is stored; thumbnails at the same paths.
package struct LocalUploadSigner: ObjectLinks {
    /// Signs and verifies with the server's key (service `s3`, region `local`).
    package var signer: SigV4Signer
    /// The server's address, e.g. `http://127.0.0.1:8080`, for URLs asked for without the request's host.
    package var baseURL: URL
    /// How long a URL stays valid.
    package var validity: Duration
    /// The time URLs are signed at.
    package var now: @Sendable () -> Date

    /// A signer with a fresh random key: URLs handed out by an earlier run of the server stop working.
    package init(baseURL: URL, validity: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        let secret = (0..<32).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        self.signer = SigV4Signer(
            credentials: Credentials(accessKeyID: "THUMBWORKERLOCAL", secretAccessKey: secret), service: "s3",
            region: "local")
        self.baseURL = baseURL
        self.validity = validity
        self.now = now
    }

    /// The local object's path: `/local/{bucket}/{key}`, each key segment percent-encoded.
    private static func objectPath(bucket: String, key: String) -> String {
        "/local/\(URIEncoding.encode(bucket, preservingSlashes: false))/"
            + URIEncoding.encode(key, preservingSlashes: true)
    }

    /// A presigned PUT of `key` in `bucket` with this `Content-Type` signed, to the host the API was called on: the
    /// browser that asked reaches the server there.
    package func uploadURL(
        bucket: String, key: String, contentType: String, requestHost: String?
    ) throws(AppError) -> String {
        let base = requestHost.map { "http://\($0)" } ?? baseURL.absoluteString.trimmingSuffix("/")
        guard let url = URL(string: base + Self.objectPath(bucket: bucket, key: key)) else {
            throw AppError(.invalidRequest, "the request's Host \(requestHost ?? "") cannot make a URL")
        }
        do {
            return try signer.presignedURL(
                method: "PUT", url: url, headers: [HTTPHeader(name: "Content-Type", value: contentType)],
                payload: .unsigned, expires: validity, date: now()
            ).absoluteString
        } catch {
            throw AppError(.invalidRequest, "cannot presign the upload: \(error)")
        }
    }

    /// The thumbnail's path on this server, which `LocalBuckets` serves.
    package func thumbnailURL(bucket: String, key: String) -> String {
        Self.objectPath(bucket: bucket, key: key)
    }
}

extension String {
    /// The string without one trailing `suffix`.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
