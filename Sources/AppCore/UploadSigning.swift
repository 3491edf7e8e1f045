/// Makes the URL a browser PUTs an original to: a presigned S3 PUT on AWS, a presigned PUT to `serve` itself with
/// the local backends.
package protocol UploadSigning: Sendable {
    /// A URL that lets its holder PUT one object at `key` in `bucket`, with this `Content-Type`, for a while.
    func uploadURL(bucket: String, key: String, contentType: String) throws(AppError) -> String
}
