package import SigV4

/// Something that supplies AWS credentials: a fixed key, the environment, a profile file, ECS, EC2, STS.
package protocol CredentialProvider: Sendable {
    /// Current credentials, refreshed by the provider before they expire.
    func credentials() async throws(AWSError) -> Credentials
}
