import Foundation
package import SigV4

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN`.
///
/// The variables are read once, when the provider is made
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-static-credentials.html).
package struct EnvironmentCredentialProvider: CredentialProvider {
    private let result: Result<Credentials, AWSError>

    /// Reads the variables from `environment` (by default the process's).
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        result = Result { () throws(AWSError) in try Self.credentials(from: environment) }
    }

    /// The credentials the environment held, or why it held none.
    package func credentials() async throws(AWSError) -> Credentials {
        try result.get()
    }

    private static func credentials(from environment: [String: String]) throws(AWSError) -> Credentials {
        let accessKeyID = environment.environmentValue("AWS_ACCESS_KEY_ID")
        let secretAccessKey = environment.environmentValue("AWS_SECRET_ACCESS_KEY")
        switch (accessKeyID, secretAccessKey) {
        case (let accessKeyID?, let secretAccessKey?):
            return Credentials(
                accessKeyID: accessKeyID,
                secretAccessKey: secretAccessKey,
                sessionToken: environment.environmentValue("AWS_SESSION_TOKEN")
            )
        case (nil, nil):
            throw AWSError(.credentialsUnavailable, "AWS_ACCESS_KEY_ID not set", retryable: false)
        case (nil, _):
            throw AWSError(
                .invalidConfiguration, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not", retryable: false)
        case (_, nil):
            throw AWSError(
                .invalidConfiguration, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not", retryable: false)
        }
    }
}
