import Foundation
import Imaging
import TestSupport
import Testing

@testable import thumbworker

@Suite("thumbworker --version")
struct VersionTests {
    @Test("prints the release and the libvips it runs on, on one line, and exits 0")
    func namesReleaseAndLibvips() async throws {
        try await TemporaryFolder.with { folder in
            let version = try await CommandResult(["--version"], in: folder)
            #expect(version.status == 0, "\(version.standardError)")
            let line = version.standardOutput.trimmingCharacters(in: .newlines)
            #expect(line == "thumbworker \(Thumbworker.release) (libvips \(Thumbnailer.libvipsVersion))")
        }
    }
}
