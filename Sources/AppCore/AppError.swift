/// A failure of the app around the worker (the API, its catalog, uploads): what went wrong, what to do, and the
/// HTTP status it answers with.
package struct AppError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String {
            case invalidRequest, unauthorized, forbidden, notFound, tooLarge, catalogUnavailable, catalogUnusable
        }
        private let kind: Kind

        /// The request is malformed or its body breaks the schema: 400.
        package static let invalidRequest = Code(kind: .invalidRequest)
        /// No credentials, or credentials that do not verify: 401.
        package static let unauthorized = Code(kind: .unauthorized)
        /// A signature or permission refuses the request: 403.
        package static let forbidden = Code(kind: .forbidden)
        /// The group, image or object does not exist: 404.
        package static let notFound = Code(kind: .notFound)
        /// The body is over the limit: 413.
        package static let tooLarge = Code(kind: .tooLarge)
        /// The catalog cannot be reached now; trying again may work: 503.
        package static let catalogUnavailable = Code(kind: .catalogUnavailable)
        /// The catalog refuses the operation for good (a broken file, a missing table): 500.
        package static let catalogUnusable = Code(kind: .catalogUnusable)

        /// The code as the error JSON names it, e.g. `notFound`.
        package var description: String { kind.rawValue }

        /// The HTTP status the code answers with.
        package var status: Int {
            switch kind {
            case .invalidRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .tooLarge: 413
            case .catalogUnavailable: 503
            case .catalogUnusable: 500
            }
        }
    }

    /// The kind.
    package var code: Code
    /// What went wrong and what to do, for a person.
    package var message: String
    /// Each problem found, when there are several (a body's schema violations).
    package var problems: [String]
    /// The underlying error, when there is one.
    package var cause: (any Error & Sendable)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, problems: [String] = [], cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.problems = problems
        self.cause = cause
    }

    /// The code, the message and the cause on one line.
    package var description: String {
        "\(code): \(message)" + (cause.map { " (\($0))" } ?? "")
    }
}
