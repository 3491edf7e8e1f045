package import Foundation
package import SigV4

/// One HTTP request to an AWS service, before signing.
package struct AWSHTTPRequest: Sendable {
    /// The HTTP method (`GET`, `PUT`, `POST`, `HEAD`).
    package var method: String
    /// The absolute URL, path and query percent-encoded.
    package var url: URL
    /// Headers the client sends unchanged (all are signed); the signer adds its own.
    package var headers: [HTTPHeader]
    /// The body; empty for none.
    package var body: [UInt8]
    /// How long the whole exchange may take, body included.
    package var timeout: Duration
    /// The largest successful response body accepted; a longer one aborts the download with `responseTooLarge`.
    package var maxResponseBytes: Int

    /// The largest error body read, whatever `maxResponseBytes` says, so a small cap never hides the service's error.
    package static let maxErrorBodyBytes = 1 << 20

    /// Makes a request; the defaults suit API calls with small answers.
    package init(
        method: String,
        url: URL,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int = 8 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}
