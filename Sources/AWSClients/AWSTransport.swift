package import Logging

/// Sends signed requests over HTTP: `HTTPClientTransport` in production, an in-memory fake in unit tests.
package protocol AWSTransport: Sendable {
    /// Sends `request` once and reads the whole response, honouring its timeout and byte cap; never retries.
    ///
    /// Errors are `timeout`, `connection` (both retryable), `responseTooLarge`, `cancelled` or `invalidConfiguration`.
    func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse
}
