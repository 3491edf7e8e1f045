extension AWSError {
    /// The same error told differently: `message` in place of its own and, when given, another retry verdict.
    func rewording(_ message: String, retryable: Bool? = nil) -> AWSError {
        AWSError(
            code, message, serviceCode: serviceCode, statusCode: statusCode, requestID: requestID,
            retryable: retryable ?? isRetryable, cause: cause
        )
    }
}
