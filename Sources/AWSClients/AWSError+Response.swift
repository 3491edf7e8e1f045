import Foundation

extension AWSError {
    /// The error an AWS error response describes, classified for retrying.
    init(response: AWSHTTPResponse, operation: String) {
        let parsed = AWSErrorResponse(response)
        let status = response.status
        let code: Code
        let retryable: Bool
        if status == 410 || parsed.codes.contains("GoneException") {
            (code, retryable) = (.gone, false)
        } else if status == 429 || !Self.throttlingCodes.isDisjoint(with: parsed.codes) {
            (code, retryable) = (.throttled, true)
        } else {
            (code, retryable) = (
                .service, Self.retryableStatuses.contains(status) || !Self.transientCodes.isDisjoint(with: parsed.codes)
            )
        }
        var message = "\(operation) failed: \(parsed.code)"
        if let explanation = parsed.message { message += ": \(explanation)" }
        if let hint = parsed.codes.lazy.compactMap({ Self.hints[$0] }).first { message += " (\(hint))" }
        self.init(
            code,
            message,
            serviceCode: parsed.code,
            statusCode: status,
            requestID: parsed.requestID,
            retryable: retryable,
            retryAfter: retryable ? Self.retryAfter(response) : nil
        )
    }

    /// The delay of a `Retry-After` header given in seconds (the HTTP-date form is not used by AWS services).
    private static func retryAfter(_ response: AWSHTTPResponse) -> Duration? {
        guard let text = response.header("Retry-After"), let seconds = Int(text.trimmingCharacters(in: .whitespaces)),
            seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }

    /// Codes by which services ask the caller to slow down
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Codes of failures that may pass on their own, whatever the status.
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]

    /// What to check for the errors a misconfigured deployment meets most.
    static let hints: [String: String] = [
        "SignatureDoesNotMatch": "check the secret access key, and that nothing changes the request after signing",
        "InvalidSignatureException": "check the secret access key and the machine's clock",
        "RequestTimeTooSkewed": "the machine's clock is off by more than 15 minutes: check its time synchronisation",
        "InvalidAccessKeyId": "the access key id is unknown to this endpoint's account",
        "UnrecognizedClientException": "the access key id is unknown to this endpoint's account",
        "AccessDenied": "the credentials' IAM policy does not allow this call on this resource",
        "AccessDeniedException": "the credentials' IAM policy does not allow this call on this resource",
        "ExpiredToken": "the temporary credentials expired before the call was signed",
        "ExpiredTokenException": "the temporary credentials expired before the call was signed",
    ]

    /// Statuses the AWS SDKs retry.
    static let retryableStatuses: Set<Int> = [500, 502, 503, 504]
}
