import Foundation

extension SQS {
    /// What a failed SQS call means for its caller, read from the service's error code and HTTP status.
    package enum ErrorMeaning: Sendable, Hashable {
        /// The call was cancelled before SQS answered; it may or may not have taken effect.
        case cancelled
        /// The queue URL names no queue (wrong account, name or region, or the queue was deleted).
        case queueMissing
        /// The credentials or the policies refuse the call.
        case accessDenied
        /// A receipt handle matches no message in flight: received again, deleted or dead-lettered since.
        case staleReceiptHandle
        /// Throttling, a 5xx, a dropped connection or a limit that lifts on its own: trying again later may succeed.
        case transient
        /// Any other request SQS rejects (a 4xx).
        case requestInvalid
        /// Anything else: the client or the endpoint cannot be used as configured.
        case unusable

        /// Classifies `error`.
        package init(_ error: AWSError) {
            let code = error.serviceCode ?? ""
            if error.code == .cancelled {
                self = .cancelled
            } else if SQS.missingQueueCodes.contains(code) {
                self = .queueMissing
            } else if SQS.deniedCodes.contains(code) || error.statusCode == 403 {
                self = .accessDenied
            } else if SQS.isStaleReceiptHandle(code: code, message: error.message) {
                self = .staleReceiptHandle
            } else if error.isRetryable || SQS.transientCodes.contains(code) {
                self = .transient
            } else if error.code == .service, let status = error.statusCode, (400..<500).contains(status) {
                self = .requestInvalid
            } else {
                self = .unusable
            }
        }
    }

    /// Whether an error code (and its message) says that SQS refused a receipt handle: `ReceiptHandleIsInvalid` and
    /// kin, or AWS's `InvalidParameterValue` "Value … for parameter ReceiptHandle is invalid. Reason: Message does not
    /// exist or is not available for visibility timeout change."
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html)
    package static func isStaleReceiptHandle(code: String, message: String?) -> Bool {
        staleHandleCodes.contains(code)
            || (code == "InvalidParameterValue" && message?.localizedCaseInsensitiveContains("ReceiptHandle") == true)
    }

    /// Codes by which SQS says the queue URL names no queue.
    private static let missingQueueCodes: Set<String> = [
        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "InvalidAddress",
    ]

    /// Codes by which SQS refuses the caller, whatever the HTTP status.
    private static let deniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "KmsAccessDenied", "InvalidSecurity",
    ]

    /// Codes by which SQS says a receipt handle matches no message in flight.
    private static let staleHandleCodes: Set<String> = [
        "ReceiptHandleIsInvalid", "AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight", "InvalidIdFormat",
    ]

    /// Codes of limits that lift on their own: too many messages in flight, a throttled KMS key.
    private static let transientCodes: Set<String> = ["OverLimit", "KmsThrottled"]
}
