package import AppCore
package import Hummingbird

/// Who is calling: nothing to check with `serve.auth: none`, else the subject of the request's bearer token, which
/// must verify.
package struct Authentication: Sendable {
    /// Verifies tokens; nil when `serve` asks for none.
    package var verifier: (any TokenVerifying)?

    /// Checks callers with `verifier`, or nobody when it is nil.
    package init(verifier: (any TokenVerifying)?) {
        self.verifier = verifier
    }

    /// No authentication: the local demo.
    package static let none = Authentication(verifier: nil)

    /// The subject of the request's `Authorization: Bearer` token; nil without authentication; a 401 saying what is
    /// wrong when the header is missing or the token does not verify.
    package func subject(of request: Request) async throws(AppError) -> String? {
        guard let verifier else { return nil }
        guard let header = request.headers[.authorization] else {
            throw AppError(.unauthorized, "send Authorization: Bearer <JWT>; writing needs a token")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw AppError(.unauthorized, "the Authorization header must be Bearer <JWT>")
        }
        return try await verifier.subject(ofToken: String(parts[1]))
    }

    /// Refuses a caller who is not the owner of what they change; anyone may without authentication.
    package func checkOwner(_ owner: String?, is subject: String?, of what: String) throws(AppError) {
        guard verifier != nil, owner != subject else { return }
        throw AppError(.forbidden, "\(what) belongs to another user")
    }
}
