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
    /// The local clock's reading; tests inject a skewed clock.
    package let now: @Sendable () -> Date
    /// What is added to `now` when signing, learned from answers that refused the clock.
    package let clockCorrection: ClockCorrection

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
        self.clockCorrection = ClockCorrection()
    }

    /// The instant a signature made now carries: the local clock, corrected by what AWS's answers taught.
    package func signingDate() -> Date {
        clockCorrection.corrected(now())
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
        var clockCorrected = false
        while true {
            logger[metadataKey: "aws.attempt"] = "\(attempt)"
            do throws(AWSError) {
                let (response, signedAt) = try await sendOnce(
                    request, to: endpoint, operation: operation, payload: payload, logger: logger)
                guard response.isSuccess else {
                    // A signature refused for the clock is signed again at once with the server's time, once.
                    if !clockCorrected, let seconds = clockCorrection.learn(from: response, signedAt: signedAt) {
                        clockCorrected = true
                        logger.warning(
                            "the machine's clock is off from AWS's; signing with the server's time and retrying",
                            metadata: ["aws.clock.correction.seconds": "\(Int(seconds.rounded()))"])
                        continue
                    }
                    throw AWSError(response: response, operation: operation)
                }
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

    /// Signs with fresh credentials and the corrected current instant, sends, and returns the answer whatever its
    /// status, with the instant it was signed at.
    private func sendOnce(
        _ request: AWSHTTPRequest,
        to endpoint: AWSEndpoint,
        operation: String,
        payload: PayloadHash,
        logger: Logger
    ) async throws(AWSError) -> (response: AWSHTTPResponse, signedAt: Date) {
        let signer = try await signer(for: endpoint)
        var signed = request
        let signedAt = signingDate()
        do {
            signed.headers = try signer.signedHeaders(
                method: request.method,
                url: request.url,
                headers: request.headers,
                payload: payload,
                date: signedAt
            )
        } catch {
            throw AWSError(
                .invalidConfiguration,
                "the request could not be signed: \(error.message)",
                retryable: false,
                cause: error
            )
        }
        return (try await transport.send(signed, logger: logger), signedAt)
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
