/// Why a presigned request is not accepted, as S3 would answer: its error code and a message that says what to change.
package struct PresignedRequestRefusal: Error, Sendable, CustomStringConvertible {
    /// The S3 error code, sent as the `Code` of the error response.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case accessDenied = "AccessDenied"
            case signatureDoesNotMatch = "SignatureDoesNotMatch"
            case authorizationQueryParametersError = "AuthorizationQueryParametersError"
            case invalidAccessKeyID = "InvalidAccessKeyId"
            case invalidToken = "InvalidToken"
        }

        private let value: Value

        /// The request has expired, is not valid yet, or carries `x-amz-*` headers that were not signed.
        package static let accessDenied = Code(value: .accessDenied)
        /// The signature is not the one the request's method, path, query and signed headers make.
        package static let signatureDoesNotMatch = Code(value: .signatureDoesNotMatch)
        /// An authentication parameter of the query is missing, repeated or malformed.
        package static let authorizationQueryParametersError = Code(value: .authorizationQueryParametersError)
        /// The URL was presigned with an access key other than the server's.
        package static let invalidAccessKeyID = Code(value: .invalidAccessKeyID)
        /// The session token is missing, is not the credentials' token, or is there for credentials without one.
        package static let invalidToken = Code(value: .invalidToken)

        /// The code as S3 spells it, such as `SignatureDoesNotMatch`.
        package var description: String { value.rawValue }

        /// The HTTP status S3 answers with: 400 for a malformed request, 403 for one that is refused.
        package var httpStatus: Int {
            switch value {
            case .authorizationQueryParametersError, .invalidToken: 400
            case .accessDenied, .signatureDoesNotMatch, .invalidAccessKeyID: 403
            }
        }
    }

    /// Why the request is refused.
    package let code: Code
    /// S3's message for the code, then what was wrong and what to do about it, for a person.
    package let message: String

    /// The code and the message.
    package var description: String { "\(code): \(message)" }

    /// Some authentication parameters are absent from the query.
    static func missingParameters(_ names: [String]) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .authorizationQueryParametersError,
            message: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                + "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters; this request "
                + "lacks \(names.joined(separator: ", ")). Send the presigned URL exactly as it was given."
        )
    }

    /// An authentication parameter is there but repeated or malformed; `problem` says how and what it must be.
    static func malformedParameter(_ problem: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .authorizationQueryParametersError,
            message: "\(problem) Send the presigned URL exactly as it was given."
        )
    }

    /// The credential scope names another region or service; `problem` says which.
    static func wrongScope(_ problem: String, region: String, service: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .authorizationQueryParametersError,
            message: "\(problem) Presign the URL for region '\(region)' and service '\(service)'."
        )
    }

    /// The URL was presigned with another access key.
    static func invalidAccessKeyID(_ accessKeyID: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .invalidAccessKeyID,
            message: "The AWS Access Key Id you provided does not exist in our records: the URL is presigned with "
                + "'\(accessKeyID)', but this server accepts only its own access key. Presign with its credentials."
        )
    }

    /// The session token does not go with the credentials; `problem` says how.
    static func invalidToken(_ problem: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .invalidToken,
            message: "The provided token is malformed or otherwise invalid: \(problem)"
        )
    }

    /// `X-Amz-Date` is further ahead of `now` than clocks may differ.
    static func notYetValid(timestamp: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .accessDenied,
            message: "Request is not valid yet: it is presigned for \(timestamp), more than 15 minutes ahead of "
                + "this server's clock. Check the clock of the machine that presigned it."
        )
    }

    /// The validity `X-Amz-Expires` gave has run out.
    static func expired(timestamp: String, expiresInSeconds: Int64, until: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .accessDenied,
            message: "Request has expired: it was presigned at \(timestamp) to stay valid \(expiresInSeconds) "
                + "seconds, until \(until). Ask for a new presigned URL."
        )
    }

    /// The request carries headers that must be signed (`host`, `x-amz-*`) but are not in `X-Amz-SignedHeaders`.
    static func unsignedHeaders(_ names: [String]) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .accessDenied,
            message: "There were headers present in the request which were not signed: "
                + "\(names.joined(separator: ", ")). Presign the URL with these headers, or send it without them."
        )
    }

    /// A header named in `X-Amz-SignedHeaders` is absent from the request.
    static func missingSignedHeader(_ name: String, signedHeaders: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .signatureDoesNotMatch,
            message: "The request signature we calculated does not match the signature you provided: the request "
                + "lacks the signed header '\(name)'. Send every header in X-Amz-SignedHeaders (\(signedHeaders)) "
                + "with the value it was presigned with."
        )
    }

    /// The signature is not the one the request makes.
    static func signatureDoesNotMatch(signedHeaders: String) -> PresignedRequestRefusal {
        PresignedRequestRefusal(
            code: .signatureDoesNotMatch,
            message: "The request signature we calculated does not match the signature you provided: the method, "
                + "path, query or a signed header (\(signedHeaders)) differs from the request that was presigned, "
                + "or it was presigned with another secret key. Send the request exactly as presigned."
        )
    }
}
