package import Logging
package import SigV4

/// Tries credential providers in order and keeps to the first that yields credentials.
///
/// Once a provider has answered, later calls go to it alone (as the AWS SDKs' default chains do). When none answers,
/// the `credentialsUnavailable` error lists each provider and why it failed
/// (https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html).
package actor CredentialProviderChain: CredentialProvider {
    /// One provider in the chain and the name messages call it by.
    package struct Link: Sendable {
        /// The name in messages, e.g. `environment` or `profile 'default'`.
        package let name: String
        /// The provider.
        package let provider: any CredentialProvider

        /// Names a provider.
        package init(_ name: String, _ provider: any CredentialProvider) {
            self.name = name
            self.provider = provider
        }
    }

    private let links: [Link]
    private let logger: Logger
    private var selected: Link?

    /// A chain that tries `links` in order.
    package init(_ links: [Link], logger: Logger) {
        self.links = links
        self.logger = logger
    }

    /// Credentials from the selected provider, or from the first provider that has some.
    package func credentials() async throws(AWSError) -> Credentials {
        if let selected { return try await selected.provider.credentials() }
        var failures: [String] = []
        var anyTransient = false
        for link in links {
            do {
                let credentials = try await link.provider.credentials()
                if selected == nil {
                    selected = link
                    logger.info("using AWS credentials", metadata: ["aws.credentials.provider": "\(link.name)"])
                }
                return credentials
            } catch {
                logger.debug(
                    "no AWS credentials from provider",
                    metadata: ["aws.credentials.provider": "\(link.name)", "aws.error": "\(error.message)"]
                )
                failures.append("\(link.name): \(error.message)")
                anyTransient = anyTransient || error.isRetryable
            }
        }
        throw AWSError(
            .credentialsUnavailable,
            "no AWS credentials found; tried \(failures.joined(separator: "; "))",
            retryable: anyTransient
        )
    }
}
