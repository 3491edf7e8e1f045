import AppCore
package import Foundation
package import Hummingbird
import Imaging
import NIOCore
import SigV4
package import WorkerCore

/// The local backends' buckets as S3 would serve them: `PUT /local/{upload bucket}/{key}` with a presigned URL
/// (verified — signature, expiry, signed headers — before anything is stored; then the S3 event is enqueued for the
/// worker), and `GET /local/{thumbnail bucket}/{key}` with `Content-Type`, `Cache-Control`, `ETag` and conditional GET.
package struct LocalBuckets: Sendable {
    /// Where originals are written.
    package var originals: OutputLocation
    /// Where thumbnails are read.
    package var thumbnails: OutputLocation
    /// The queue the S3 events go to.
    package var queue: any MessageQueue
    /// Verifies upload URLs.
    package var uploads: LocalUploadSigner
    /// The largest original accepted (`limits.max_input_bytes`).
    package var maxInputBytes: Int
    /// The `Cache-Control` sent with thumbnails.
    package var cacheControl: String?

    /// Creates the local buckets' routes.
    package init(
        originals: OutputLocation, thumbnails: OutputLocation, queue: any MessageQueue, uploads: LocalUploadSigner,
        maxInputBytes: Int, cacheControl: String?
    ) {
        self.originals = originals
        self.thumbnails = thumbnails
        self.queue = queue
        self.uploads = uploads
        self.maxInputBytes = maxInputBytes
        self.cacheControl = cacheControl
    }

    /// Adds the routes to `router`.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.put("/local/{bucket}/**") { request, context in
            try await put(request, bucket: context.parameters.get("bucket") ?? "", key: Self.key(context))
        }
        router.get("/local/{bucket}/**") { request, context in
            try await get(request, bucket: context.parameters.get("bucket") ?? "", key: Self.key(context))
        }
    }

    /// The object key the catch-all names, decoded.
    private static func key<Context: RequestContext>(_ context: Context) -> String {
        context.parameters.getCatchAll().joined(separator: "/").removingPercentEncoding ?? ""
    }

    /// Stores an upload whose presigned URL verifies, then enqueues its `ObjectCreated:Put` event.
    private func put(_ request: Request, bucket: String, key: String) async throws -> Response {
        guard bucket == originals.bucket, !key.isEmpty else {
            return Self.s3Error(.forbidden, "AccessDenied", "uploads go to the bucket \(originals.bucket) only")
        }
        // Only the path and the query are signed of the URL; HTTP/1.1's Host arrives as the request's authority, not
        // among its header fields, and S3 signs it as the `host` header.
        guard let url = URL(string: "http://localhost\(request.uri.string)") else {
            return Self.s3Error(.badRequest, "InvalidURI", "the request URI cannot be read")
        }
        let headers =
            (request.head.authority.map { [HTTPHeader(name: "Host", value: $0)] } ?? [])
            + request.headers.map { HTTPHeader(name: $0.name.canonicalName, value: $0.value) }
        do {
            try uploads.signer.verifyPresigned(method: "PUT", url: url, headers: headers, now: uploads.now())
        } catch {
            return Self.s3Error(.init(code: error.code.httpStatus), "\(error.code)", error.message)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxInputBytes {
            return Self.s3Error(
                .contentTooLarge, "EntityTooLarge", "the upload is \(length) bytes; the limit is \(maxInputBytes)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxInputBytes)
        } catch {
            return Self.s3Error(
                .contentTooLarge, "EntityTooLarge", "the upload is over the limit of \(maxInputBytes) bytes")
        }
        let bytes = Array(buffer: body)
        let upload = ObjectUpload(
            bucket: bucket, key: key, body: bytes, contentType: request.headers[.contentType] ?? "binary/octet-stream",
            cacheControl: nil, metadata: [:])
        let time = Date()
        let eTag: String?
        do throws(WorkerError) {
            eTag = try await originals.store.put(upload)
            // Stored but not enqueued is not lost: the 503 makes the client PUT again, which stores and enqueues.
            try await queue.send(
                body: S3EventNotification.objectCreated(
                    bucket: bucket, key: key, size: bytes.count, eTag: eTag, time: time,
                    sequencer: S3EventNotification.sequencer(at: time)))
        } catch {
            return Self.s3Error(.serviceUnavailable, "ServiceUnavailable", "try the upload again: \(error.explanation)")
        }
        var headersOut: HTTPFields = [:]
        if let eTag { headersOut[.eTag] = "\"\(eTag)\"" }
        return Response(status: .ok, headers: headersOut)
    }

    /// A thumbnail, with its type, caching headers and entity tag; `If-None-Match` with that tag answers 304.
    private func get(_ request: Request, bucket: String, key: String) async throws -> Response {
        // A key the store cannot hold (`..`, its metadata folder) names no thumbnail either.
        guard bucket == thumbnails.bucket, let object = try? await thumbnails.store.head(bucket: bucket, key: key)
        else {
            return Self.s3Error(.notFound, "NoSuchKey", "there is no thumbnail \(key)")
        }
        var headers: HTTPFields = [
            .contentType: ImageFormat.allCases.first { key.hasSuffix("." + $0.fileExtension) }?.mediaType
                ?? "application/octet-stream"
        ]
        if let cacheControl { headers[.cacheControl] = cacheControl }
        if let eTag = object.eTag {
            headers[.eTag] = "\"\(eTag)\""
            if request.headers[.ifNoneMatch]?.contains("\"\(eTag)\"") == true {
                return Response(status: .notModified, headers: headers)
            }
        }
        let bytes = try await thumbnails.store.get(bucket: bucket, key: key, maxBytes: maxInputBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// S3's XML error document.
    private static func s3Error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(code)</Code><Message>\(escaped)</Message></Error>
            """
        return Response(
            status: status, headers: [.contentType: "application/xml"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
