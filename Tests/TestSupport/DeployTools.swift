package import Foundation
package import Testing

/// The pinned linters and validators `scripts/deploy-tools.sh` installs (scripts/deploy-tools.txt), found through
/// `DEPLOY_TOOLS`, the folder of their commands that `scripts/test.sh` exports.
package enum DeployTools {
    /// The tools' folder; `nil` when the tests that need them are off.
    package static let folder: URL? = ProcessInfo.processInfo.environment["DEPLOY_TOOLS"].flatMap {
        $0.isEmpty ? nil : URL(filePath: $0, directoryHint: .isDirectory)
    }

    /// Whether the tools are there.
    package static var isAvailable: Bool { folder != nil }

    /// Why the tests that need them are skipped.
    package static let skipReason: Comment =
        "set DEPLOY_TOOLS (export DEPLOY_TOOLS=\"$(scripts/deploy-tools.sh)\") to run the pinned deployment linters"

    /// The command `name` in the tools' folder.
    package static func command(_ name: String) throws -> URL {
        try #require(folder, "DEPLOY_TOOLS").appending(path: name)
    }
}
