package import Foundation
package import Testing

/// The pinned tools the deployment tests run (kubectl, kubernetes-validate, cfn-lint, checkov), installed by
/// `scripts/deploy-tools.sh`, whose printed folder `scripts/test.sh` exports as `DEPLOY_TOOLS`.
package enum DeployTools {
    /// The folder holding the tools' commands, from `DEPLOY_TOOLS`; `nil` when the deployment tests are off.
    package static let folder: URL? = ProcessInfo.processInfo.environment["DEPLOY_TOOLS"].flatMap {
        $0.isEmpty ? nil : URL(filePath: $0, directoryHint: .isDirectory)
    }

    /// Whether the deployment tests can run.
    package static var isAvailable: Bool { folder != nil }

    /// Why the deployment tests are skipped.
    package static let skipReason: Comment =
        "set DEPLOY_TOOLS (DEPLOY_TOOLS=\"$(scripts/deploy-tools.sh)\") to test the deployment artefacts"

    /// The command `name` in the tools' folder.
    package static func command(_ name: String) throws -> URL {
        try #require(folder, skipReason).appending(path: name)
    }
}
