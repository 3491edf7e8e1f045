package import SigV4

/// Supplies one fixed key, as given in configuration or by a test.
package struct StaticCredentialProvider: CredentialProvider {
    private let fixed: Credentials

    /// Always answers with `credentials`.
    package init(_ credentials: Credentials) {
        self.fixed = credentials
    }

    /// Always answers with a key made of these parts.
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.init(Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken))
    }

    /// The fixed key.
    package func credentials() async throws(AWSError) -> Credentials {
        fixed
    }
}
