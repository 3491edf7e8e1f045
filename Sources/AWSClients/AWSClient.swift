package import Foundation
package import Logging
import SigV4

/// Signs, sends and retries requests to any AWS service; the service clients build on it.
///
/// A plain value: share one transport (one connection pool) between every client of the process.
package struct AWSClient: Sendable {
    /// Sends the signed requests.
    package let transport: any AWSTransport
    /// Supplies the keys, asked again before every attempt so refreshed credentials are used.
    package let credentialProvider: any CredentialProvider
    /// Bounds and spaces the attempts.
    package let retryPolicy: RetryPolicy
    /// The instant each attempt is signed at; tests inject a skewed clock.
    package let now: @Sendable () -> Date

    /// Makes a client from its parts.
    package init(
        transport: any AWSTransport,
        credentialProvider: any CredentialProvider,
        retryPolicy: RetryPolicy = .standard,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.credentialProvider = credentialProvider
        self.retryPolicy = retryPolicy
        self.now = now
    }

    /// Sends `request` to `endpoint`'s service, signing every attempt anew, and returns the first 2xx answer;
    /// throws the last error once it is not retryable or the attempts run out.
    ///
    /// `operation` names the call in logs and error messages (`S3.GetObject`).
    package func send(
        _ request: AWSHTTPRequest,
        to endpoint: AWSEndpoint,
        operation: String,
        logger: Logger
    ) async throws(AWSError) -> AWSHTTPResponse {
        var logger = logger
        logger[metadataKey: "aws.operation"] = "\(operation)"
        let payload = PayloadHash.sha256(of: request.body)
        var attempt = 1
        while true {
            logger[metadataKey: "aws.attempt"] = "\(attempt)"
            do {
                let response = try await sendOnce(
                    request, to: endpoint, operation: operation, payload: payload, logger: logger)
                logger.debug(
                    "aws call succeeded",
                    metadata: ["http.status": "\(response.status)", "aws.request.id": "\(response.requestID ?? "-")"]
                )
                return response
            } catch {
                guard retryPolicy.shouldRetry(error, afterAttempt: attempt) else {
                    logger.debug("aws call failed", metadata: Self.metadata(error))
                    throw error
                }
                // A service that says how long to wait is obeyed, within the policy's ceiling.
                let delay = max(
                    retryPolicy.delay(afterAttempt: attempt), min(error.retryAfter ?? .zero, retryPolicy.maxDelay))
                var metadata = Self.metadata(error)
                metadata["aws.retry.delay"] = "\(delay)"
                logger.notice("aws call failed, retrying", metadata: metadata)
                do {
                    try await retryPolicy.sleep(delay)
                } catch {
                    throw AWSError(
                        .cancelled,
                        "\(operation) was cancelled while waiting to retry",
                        retryable: false,
                        cause: error
                    )
                }
                attempt += 1
            }
        }
    }

    /// Signs with fresh credentials and the current instant, sends, and turns a non-2xx answer into an error.
    private func sendOnce(
        _ request: AWSHTTPRequest,
        to endpoint: AWSEndpoint,
        operation: String,
        payload: PayloadHash,
        logger: Logger
    ) async throws(AWSError) -> AWSHTTPResponse {
        let signer = try await signer(for: endpoint)
        var signed = request
        do {
            signed.headers = try signer.signedHeaders(
                method: request.method,
                url: request.url,
                headers: request.headers,
                payload: payload,
                date: now()
            )
        } catch {
            throw AWSError(
                .invalidConfiguration,
                "the request could not be signed: \(error.message)",
                retryable: false,
                cause: error
            )
        }
        let response = try await transport.send(signed, logger: logger)
        guard response.isSuccess else {
            throw AWSError(response: response, operation: operation)
        }
        return response
    }

    /// A signer for `endpoint`'s service and region with the provider's current credentials.
    func signer(for endpoint: AWSEndpoint) async throws(AWSError) -> SigV4Signer {
        SigV4Signer(
            credentials: try await credentialProvider.credentials(),
            service: endpoint.service.signingName,
            region: endpoint.region,
            options: endpoint.service.signerOptions
        )
    }

    private static func metadata(_ error: AWSError) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["aws.error": "\(error.code)"]
        if let serviceCode = error.serviceCode { metadata["aws.error.code"] = "\(serviceCode)" }
        if let status = error.statusCode { metadata["http.status"] = "\(status)" }
        if let requestID = error.requestID { metadata["aws.request.id"] = "\(requestID)" }
        return metadata
    }
}
