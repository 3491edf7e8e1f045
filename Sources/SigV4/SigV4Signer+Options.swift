extension SigV4Signer {
    /// Where a service departs from the standard algorithm: `.standard` for most services, `.s3` for S3.
    package struct Options: Sendable {
        /// How the request path becomes the canonical URI.
        package var pathEncoding: PathEncoding
        /// Whether header signing adds and signs `x-amz-content-sha256` with the payload hash (S3 requires it).
        package var sendsPayloadHashHeader: Bool
        /// Whether the session token is signed (the norm), or attached after signing as AWS IoT's presigned
        /// WebSocket URLs require.
        package var signsSessionToken: Bool

        /// Makes options from each choice.
        package init(pathEncoding: PathEncoding, sendsPayloadHashHeader: Bool, signsSessionToken: Bool = true) {
            self.pathEncoding = pathEncoding
            self.sendsPayloadHashHeader = sendsPayloadHashHeader
            self.signsSessionToken = signsSessionToken
        }

        /// Every service but S3: normalised, double-encoded path; no `x-amz-content-sha256`.
        package static let standard = Options(pathEncoding: .normalizedAndDoubleEncoded, sendsPayloadHashHeader: false)

        /// S3 (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html): the path as is,
        /// encoded once, and `x-amz-content-sha256` on every header-signed request.
        package static let s3 = Options(pathEncoding: .singleEncoded, sendsPayloadHashHeader: true)
    }

    /// How the request path becomes the canonical URI.
    package enum PathEncoding: Sendable {
        /// Every service but S3: `.` and `..` segments resolved and empty segments dropped, then the path as sent
        /// (already percent-encoded) encoded a second time, so `/a%20b` signs as `/a%2520b`.
        case normalizedAndDoubleEncoded
        /// S3: no normalisation, and the decoded path encoded once, so the key `a b` (sent as `/a%20b`) signs as `/a%20b`.
        case singleEncoded
    }
}
