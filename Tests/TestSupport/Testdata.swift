package import Foundation

/// The repository's committed fixtures in `testdata/` (each with its provenance in testdata/README), found from this
/// source file's location, so a test finds them whatever its working folder.
package enum Testdata {
    /// The repository root: the folder holding Package.swift, worker.conf and testdata/.
    package static let repository = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `testdata` folder.
    package static let folder = repository.appending(path: "testdata")

    /// The URL of `name`, a path below `testdata/` (`landscape.jpg`, `events/sns-envelope.json`).
    package static func url(_ name: String) -> URL {
        folder.appending(path: name)
    }

    /// The file-system path of `name`, a path below `testdata/`, e.g. for a command-line argument.
    package static func path(_ name: String) -> String {
        url(name).path
    }

    /// The bytes of `name`, a path below `testdata/`.
    package static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    /// The text of `name`, a path below `testdata/`, read as UTF-8.
    package static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }
}
