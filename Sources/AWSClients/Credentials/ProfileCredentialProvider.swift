import Foundation
package import SigV4

/// Static credentials (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) of a profile in the shared files.
///
/// The files are read once, when the provider is made. Profiles that get credentials another way (`role_arn`, SSO,
/// `credential_process`) are reported as unsupported rather than half-followed.
package struct ProfileCredentialProvider: CredentialProvider {
    /// Settings that mean the profile gets its credentials in a way this provider does not follow.
    private static let unsupportedSettings = [
        "role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file",
    ]

    /// The profile read, `AWS_PROFILE` or `default`.
    package let profile: String
    private let result: Result<Credentials, AWSError>

    /// Reads the profile named by `environment` (by default the process's) from the shared files.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let files = SharedProfileFiles(environment: environment)
        profile = files.profile
        result = Result { () throws(AWSError) in try Self.credentials(in: files.settings()) }
    }

    /// The profile's credentials, or why it had none.
    package func credentials() async throws(AWSError) -> Credentials {
        try result.get()
    }

    private static func credentials(in settings: [String: String]) throws(AWSError) -> Credentials {
        guard let accessKeyID = nonEmpty(settings["aws_access_key_id"]) else {
            if let other = unsupportedSettings.first(where: { settings[$0] != nil }) {
                throw AWSError(
                    .invalidConfiguration,
                    "the profile uses \(other), which thumbworker does not follow; give it aws_access_key_id and "
                        + "aws_secret_access_key, or use the environment, web identity, a container or an instance role",
                    retryable: false
                )
            }
            throw AWSError(.credentialsUnavailable, "the profile has no aws_access_key_id", retryable: false)
        }
        guard let secretAccessKey = nonEmpty(settings["aws_secret_access_key"]) else {
            throw AWSError(
                .invalidConfiguration, "the profile has aws_access_key_id but no aws_secret_access_key",
                retryable: false)
        }
        return Credentials(
            accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey,
            sessionToken: nonEmpty(settings["aws_session_token"])
        )
    }

    private static func nonEmpty(_ value: String?) -> String? {
        value?.isEmpty == false ? value : nil
    }
}
