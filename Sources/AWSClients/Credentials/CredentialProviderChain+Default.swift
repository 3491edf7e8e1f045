package import Foundation
package import Logging

extension CredentialProviderChain {
    /// The AWS SDKs' default order: environment, web identity, shared profile files, container, instance metadata.
    ///
    /// The three network sources are cached by `RefreshingCredentialProvider`. `region` picks the STS endpoint for
    /// web identity; `environment` and `now` are injectable for tests. The caller owns `transport`.
    package static func `default`(
        transport: any AWSTransport, region: String?, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> CredentialProviderChain {
        func refreshing(_ source: some TemporaryCredentialProvider) -> RefreshingCredentialProvider {
            RefreshingCredentialProvider(source, now: now, logger: logger)
        }
        let profile = ProfileCredentialProvider(environment: environment)
        return CredentialProviderChain(
            [
                Link("environment", EnvironmentCredentialProvider(environment: environment)),
                Link(
                    "web identity",
                    refreshing(
                        WebIdentityCredentialProvider(
                            transport: transport, environment: environment, region: region, now: now, logger: logger))
                ),
                Link("profile '\(profile.profile)'", profile),
                Link(
                    "container",
                    refreshing(
                        ContainerCredentialProvider(transport: transport, environment: environment, logger: logger))
                ),
                Link(
                    "instance metadata",
                    refreshing(
                        InstanceMetadataCredentialProvider(
                            transport: transport, environment: environment, logger: logger))
                ),
            ],
            logger: logger
        )
    }
}
