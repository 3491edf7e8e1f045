package import Imaging

/// Why a job failed, whether retrying may help, and what to do.
package struct WorkerError: Error, Sendable, CustomStringConvertible {
    fileprivate enum Kind: Sendable, Hashable {
        case image(ImagingError.Code)
        case notFound
        case inputUnreadable
        case outputUnwritable
    }

    /// The machine-readable kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let kind: Kind

        /// The input file or object does not exist.
        package static let notFound = Code(kind: .notFound)
        /// The input file or object could not be read.
        package static let inputUnreadable = Code(kind: .inputUnreadable)
        /// An output could not be written.
        package static let outputUnwritable = Code(kind: .outputUnwritable)

        /// The code as written in logs and manifests.
        package var description: String {
            switch kind {
            case .image(let code): code.description
            case .notFound: "notFound"
            case .inputUnreadable: "inputUnreadable"
            case .outputUnwritable: "outputUnwritable"
            }
        }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What went wrong and what to do about it.
    package let message: String
    /// Whether trying again may succeed.
    package let isRetryable: Bool

    /// Creates an error; local input and output failures are not retryable by default.
    package init(_ code: Code, _ message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.isRetryable = retryable
    }

    /// Wraps an imaging failure, keeping its code and permanence.
    package init(imaging error: ImagingError) {
        self.init(Code(kind: .image(error.code)), error.description, retryable: error.isRetryable)
    }

    /// `code: message`.
    package var description: String { "\(code): \(message)" }
}
