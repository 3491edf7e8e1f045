/// Why an AWS call failed: a code, a message a person can act on, the service's own words, and whether to retry.
package struct AWSError: Error, Sendable, CustomStringConvertible {
    fileprivate enum Kind: String, Sendable, Hashable {
        case service
        case throttled
        case timeout
        case connection
        case credentialsUnavailable
        case invalidConfiguration
        case invalidResponse
        case responseTooLarge
        case gone
        case cancelled
    }

    /// The machine-readable kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let kind: Kind

        /// The service answered with an error (see `serviceCode`, e.g. `NoSuchKey`, `AccessDenied`).
        package static let service = Code(kind: .service)
        /// The service asked us to slow down (429, `Throttling`, `SlowDown`, …).
        package static let throttled = Code(kind: .throttled)
        /// The request or the connection timed out.
        package static let timeout = Code(kind: .timeout)
        /// The connection failed or was reset.
        package static let connection = Code(kind: .connection)
        /// No credential provider in the chain could supply credentials.
        package static let credentialsUnavailable = Code(kind: .credentialsUnavailable)
        /// A region, endpoint or setting is wrong.
        package static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// The service's answer could not be understood.
        package static let invalidResponse = Code(kind: .invalidResponse)
        /// A download was larger than the caller's byte cap and was aborted.
        package static let responseTooLarge = Code(kind: .responseTooLarge)
        /// The websocket connection no longer exists (API Gateway 410 GoneException).
        package static let gone = Code(kind: .gone)
        /// The calling task was cancelled before the call finished (for example during shutdown).
        package static let cancelled = Code(kind: .cancelled)

        /// The code as written in logs, e.g. `throttled`.
        package var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What went wrong and what to do about it.
    package let message: String
    /// The service's error code, e.g. `NoSuchKey`, when the service sent one.
    package let serviceCode: String?
    /// The HTTP status, when a response arrived.
    package let statusCode: Int?
    /// The request id the service gave, for support cases.
    package let requestID: String?
    /// Whether trying again later may succeed.
    package let isRetryable: Bool
    /// The underlying error, when there is one (never contains credentials).
    package let cause: (any Error & Sendable)?
    /// How long the service asked the caller to wait before trying again (`Retry-After` on a 429 or 503).
    package let retryAfter: Duration?

    /// Creates an error.
    package init(
        _ code: Code, _ message: String, serviceCode: String? = nil, statusCode: Int? = nil, requestID: String? = nil,
        retryable: Bool, cause: (any Error & Sendable)? = nil, retryAfter: Duration? = nil
    ) {
        self.retryAfter = retryAfter
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.statusCode = statusCode
        self.requestID = requestID
        self.isRetryable = retryable
        self.cause = cause
    }

    /// `code (serviceCode, HTTP status): message [request id]`.
    package var description: String {
        var parts = [code.description]
        if let serviceCode { parts.append(serviceCode) }
        if let statusCode { parts.append("HTTP \(statusCode)") }
        var text = parts.joined(separator: " ") + ": " + message
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }
}
