import Foundation

/// The shared AWS `credentials` and `config` files and the profile this process reads from them.
///
/// Paths come from `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` (default `~/.aws/credentials` and
/// `~/.aws/config`), the profile from `AWS_PROFILE` (default `default`)
/// (https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html).
package struct SharedProfileFiles: Sendable {
    /// The profile name, `AWS_PROFILE` or `default`.
    package let profile: String
    /// Where the credentials file is expected.
    package let credentialsPath: String
    /// Where the config file is expected.
    package let configPath: String

    /// Resolves the paths and profile from `environment` (by default the process's); `~` is `HOME`.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment.environmentValue("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path
        func path(_ variable: String, default defaultPath: String) -> String {
            let path = environment.environmentValue(variable) ?? defaultPath
            return path == "~" || path.hasPrefix("~/") ? home + path.dropFirst() : path
        }
        profile = environment.environmentValue("AWS_PROFILE") ?? "default"
        credentialsPath = path("AWS_SHARED_CREDENTIALS_FILE", default: "~/.aws/credentials")
        configPath = path("AWS_CONFIG_FILE", default: "~/.aws/config")
    }

    /// The profile's `region` from the config file; nil when the file, the profile or the setting is missing.
    package func region() throws(AWSError) -> String? {
        try ProfileFile.load(path: configPath, kind: .config)?.profile(profile)?["region"]
    }

    /// The profile's settings from both files, the credentials file's winning where both set one.
    func settings() throws(AWSError) -> [String: String] {
        let files = [
            try ProfileFile.load(path: configPath, kind: .config),
            try ProfileFile.load(path: credentialsPath, kind: .credentials),
        ].compactMap(\.self)
        guard !files.isEmpty else {
            throw AWSError(
                .credentialsUnavailable, "\(credentialsPath) not found, \(configPath) not found", retryable: false)
        }
        let sections = files.compactMap { $0.profile(profile) }
        guard !sections.isEmpty else {
            let looked = files.map { "\($0.sectionHeader(for: profile)) in \($0.path)" }.joined(separator: " or ")
            throw AWSError(.credentialsUnavailable, "no \(looked)", retryable: false)
        }
        return sections.reduce(into: [:]) { merged, section in merged.merge(section) { _, later in later } }
    }
}
