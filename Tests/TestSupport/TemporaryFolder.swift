package import Foundation

/// New empty folders under the system's temporary folder, one per test.
package enum TemporaryFolder {
    /// Makes a new empty folder, `thumbworker-tests-UUID`, and returns it; the caller removes it, or leaves it to the
    /// system.
    package static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "thumbworker-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `body` with a new empty folder, removed afterwards whether `body` returned or threw.
    package static func with<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let folder = try make()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }
}
