package import Imaging

/// Why a job failed, whether retrying may help, and what to do.
package struct WorkerError: Error, Sendable, CustomStringConvertible {
    fileprivate enum Kind: Sendable, Hashable {
        case image(ImagingError.Code)
        case notFound
        case inputUnreadable
        case outputUnwritable
        case storage
        case notificationFailed
        case notificationRejected
        case queueUnavailable
        case queueUnusable
        case queueRequestInvalid
        case receiptHandleInvalid
        case queueNotDrained
    }

    /// The machine-readable kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let kind: Kind

        /// The input is larger than `limits.max_input_bytes` (the same code an image over the byte limit gets).
        package static let tooLarge = Code(kind: .image(.tooLarge))
        /// The job was stopped at the drain timeout before it ended (the same code an abandoned decode gets).
        package static let abandoned = Code(kind: .image(.abandoned))
        /// The input file or object does not exist.
        package static let notFound = Code(kind: .notFound)
        /// The input file or object could not be read.
        package static let inputUnreadable = Code(kind: .inputUnreadable)
        /// An output could not be written.
        package static let outputUnwritable = Code(kind: .outputUnwritable)
        /// The object store (S3) failed or refused: unreachable, throttling, access denied, bad credentials.
        package static let storage = Code(kind: .storage)
        /// A notifier could not deliver an event (unreachable, timed out, or the receiver failed); retrying may help.
        package static let notificationFailed = Code(kind: .notificationFailed)
        /// A notification receiver refused an event (an HTTP 4xx other than 408 or 429); fix the receiver or its URL.
        package static let notificationRejected = Code(kind: .notificationRejected)
        /// The queue is busy, locked or out of space for now; trying again later may succeed.
        package static let queueUnavailable = Code(kind: .queueUnavailable)
        /// The queue's storage cannot be used as it is (cannot be opened, read-only, damaged); a person must fix it.
        package static let queueUnusable = Code(kind: .queueUnusable)
        /// A queue request or setting is outside the queue's limits (e.g. more than 10 messages per receive).
        package static let queueRequestInvalid = Code(kind: .queueRequestInvalid)
        /// An idle run stopped with messages still hidden in the queue (`run --exit-when-idle`).
        package static let queueNotDrained = Code(kind: .queueNotDrained)
        /// A receipt handle is stale or unknown: the message was received again, deleted or dead-lettered since.
        package static let receiptHandleInvalid = Code(kind: .receiptHandleInvalid)

        /// The code as written in logs and manifests.
        package var description: String {
            switch kind {
            case .image(let code): code.description
            case .notFound: "notFound"
            case .inputUnreadable: "inputUnreadable"
            case .outputUnwritable: "outputUnwritable"
            case .storage: "storage"
            case .notificationFailed: "notificationFailed"
            case .notificationRejected: "notificationRejected"
            case .queueUnavailable: "queueUnavailable"
            case .queueUnusable: "queueUnusable"
            case .queueRequestInvalid: "queueRequestInvalid"
            case .receiptHandleInvalid: "receiptHandleInvalid"
            case .queueNotDrained: "queueNotDrained"
            }
        }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What went wrong and what to do about it.
    package let message: String
    /// Whether trying again may succeed.
    package let isRetryable: Bool
    /// The failure underneath, as its own module reported it (an `ImagingError`, an `AWSError`, a database error).
    package let cause: (any Error & Sendable)?

    /// Creates an error; local input and output failures are not retryable by default.
    package init(_ code: Code, _ message: String, retryable: Bool = false, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.isRetryable = retryable
        self.cause = cause
    }

    /// Wraps an imaging failure, keeping its code, message and permanence, and the failure itself as the cause.
    package init(imaging error: ImagingError) {
        self.init(Code(kind: .image(error.code)), error.message, retryable: error.isRetryable, cause: error)
    }

    /// One line a person can act on: the message, then the cause's own words.
    ///
    /// An imaging cause is written as imaging writes it (`corrupt: … (libvips: …)`), as failed notifications show it.
    package var explanation: String {
        let text =
            switch cause {
            case let imaging as ImagingError: imaging.description
            case let cause?: "\(message) (\(cause))"
            case nil: message
            }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `code: explanation`.
    package var description: String { cause is ImagingError ? explanation : "\(code): \(explanation)" }
}
