/// Checks the bearer tokens of the API's writing routes and of websocket clients.
package protocol TokenVerifying: Sendable {
    /// The subject (`sub`) of a token that verifies; a missing, malformed, expired or foreign token is an
    /// `unauthorized` error saying which.
    func subject(ofToken token: String) async throws(AppError) -> String
}
