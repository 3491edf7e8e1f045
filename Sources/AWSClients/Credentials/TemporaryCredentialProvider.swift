/// A source of temporary credentials that fetches afresh on every call; wrap it in `RefreshingCredentialProvider` to cache.
package protocol TemporaryCredentialProvider: Sendable {
    /// Fetches new credentials and their expiration from the source (a network call).
    func fetchCredentials() async throws(AWSError) -> TemporaryCredentials
}
