extension DynamoDB {
    /// What a failed DynamoDB call means for its caller, read from the service's error code and HTTP status
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
    package enum ErrorMeaning: Sendable, Hashable {
        /// The call was cancelled before DynamoDB answered; it may or may not have taken effect.
        case cancelled
        /// The write's `ConditionExpression` was false (`ConditionalCheckFailedException`): nothing was written.
        case conditionalCheckFailed
        /// The table or index does not exist, or is not active yet (`ResourceNotFoundException`).
        case tableMissing
        /// The credentials or the policies refuse the call.
        case accessDenied
        /// Throttling, a 5xx, a dropped connection or a timeout: trying again later may succeed.
        case transient
        /// DynamoDB rejected the request itself (`ValidationException`: a key of the wrong shape or type, …).
        case requestInvalid
        /// Anything else: the client or the endpoint cannot be used as configured.
        case unusable

        /// Classifies `error`.
        package init(_ error: AWSError) {
            let code = error.serviceCode ?? ""
            if error.code == .cancelled {
                self = .cancelled
            } else if code == "ConditionalCheckFailedException" {
                self = .conditionalCheckFailed
            } else if code == "ResourceNotFoundException" {
                self = .tableMissing
            } else if DynamoDB.deniedCodes.contains(code) || error.statusCode == 403 {
                self = .accessDenied
            } else if error.isRetryable || [.throttled, .timeout, .connection].contains(error.code) {
                self = .transient
            } else if error.code == .service, let status = error.statusCode, (400..<500).contains(status) {
                self = .requestInvalid
            } else {
                self = .unusable
            }
        }
    }

    /// Codes by which DynamoDB refuses the caller, whatever the HTTP status.
    private static let deniedCodes: Set<String> = [
        "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
        "MissingAuthenticationTokenException",
    ]
}
