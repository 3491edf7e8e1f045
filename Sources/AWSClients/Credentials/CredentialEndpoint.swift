import Foundation
import Logging
import SigV4

/// An HTTP endpoint credentials come from (container agent, instance metadata, STS), reached through the caller's transport.
///
/// Requests get a short deadline and a small body cap; errors are the transport's, prefixed with `name` so a person knows
/// which endpoint failed. Nothing here logs or quotes a header or a body, which may carry a token.
struct CredentialEndpoint: Sendable {
    /// The largest body accepted; credential documents are a few KiB.
    static let maximumBodySize = 64 * 1024

    /// The caller's transport; its lifecycle stays the caller's.
    let transport: any AWSTransport
    /// How long one request may take, connecting included.
    let timeout: Duration
    /// What messages call the endpoint, e.g. `instance metadata at http://169.254.169.254`.
    let name: String
    /// Where the transport logs.
    let logger: Logger

    /// Sends one request and returns the response, whatever its status.
    func send(_ method: String, _ url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) async throws(AWSError)
        -> AWSHTTPResponse
    {
        guard let parsed = URL(string: url) else {
            throw AWSError(.invalidConfiguration, "\(name): \(url) is not a URL", retryable: false)
        }
        let request = AWSHTTPRequest(
            method: method, url: parsed, headers: headers, body: body, timeout: timeout,
            maxResponseBytes: Self.maximumBodySize)
        do {
            return try await transport.send(request, logger: logger)
        } catch {
            throw error.rewording("\(name): \(error.message)")
        }
    }

    /// Sends one request and returns the body of a 200 answer; any other status is a `credentialsUnavailable` error.
    func fetch(_ method: String, _ url: String, headers: [HTTPHeader] = []) async throws(AWSError) -> [UInt8] {
        let response = try await send(method, url, headers: headers)
        guard response.status == 200 else {
            let path = URL(string: url)?.path(percentEncoded: true) ?? url
            throw AWSError(
                .credentialsUnavailable, "\(name) answered HTTP \(response.status) for \(path)",
                statusCode: response.status, retryable: response.status >= 500 || response.status == 429
            )
        }
        return response.body
    }
}
