import Foundation
import TestSupport
import Testing
import WorkerCore

@Suite("deploy/systemd: the template unit")
struct DeploySystemdTests {
    /// The unit as shipped.
    static let unit = Testdata.repository.appending(path: "deploy/systemd/thumbworker@.service")

    /// The value of the first `key=` line of the unit.
    static func value(of key: String) throws -> String {
        let line = try String(contentsOf: unit, encoding: .utf8).split(separator: "\n").first {
            $0.hasPrefix("\(key)=")
        }
        return String(try #require(line, "\(key)= in the unit").dropFirst(key.count + 1))
    }

    /// Runs `systemd-analyze` with `arguments`; its status and everything it printed.
    static func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/systemd-analyze")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("systemd-analyze verifies it without a warning, and rates its exposure 2.0 or lower")
    func verifies() async throws {
        try await TemporaryFolder.with { root in
            // A root holding systemd's own units, the binary where ExecStart names it, and the unit.
            let manager = FileManager.default
            for folder in ["usr/local/bin", "etc/systemd/system", "usr/lib/systemd"] {
                try manager.createDirectory(at: root.appending(path: folder), withIntermediateDirectories: true)
            }
            try manager.copyItem(at: binaryURL, to: root.appending(path: "usr/local/bin/thumbworker"))
            try manager.copyItem(
                at: URL(filePath: "/usr/lib/systemd/system"), to: root.appending(path: "usr/lib/systemd/system"))
            try manager.copyItem(at: Self.unit, to: root.appending(path: "etc/systemd/system/thumbworker@.service"))

            let verify = try Self.analyze(["verify", "--root=\(root.path)", "thumbworker@1.service"])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
            let security = try Self.analyze([
                "security", "--offline=yes", "--root=\(root.path)", "--threshold=20", "thumbworker@1.service",
            ])
            #expect(security.status == 0, "\(security.output)")
        }
    }

    @Test("it agrees with the worker: its options and variables are the worker's, its stop timeout covers the drain")
    func agreesWithTheWorker() async throws {
        let exec = try Self.value(of: "ExecStart").split(separator: " ").map(String.init)
        #expect(exec.first == "/usr/local/bin/thumbworker")
        try await TemporaryFolder.with { folder in
            try "".write(to: folder.appending(path: "worker.conf"), atomically: true, encoding: .utf8)
            // The unit's arguments parse (with the config path replaced), and its variables are keys the worker knows.
            let arguments = exec.dropFirst().map { $0 == "/etc/thumbworker/worker.conf" ? "worker.conf" : $0 }
            let help = try await CommandResult(Array(arguments) + ["--help"], in: folder)
            #expect(help.status == 0, "\(help.standardError)")
            let variable = try Self.value(of: "Environment").split(separator: "=", maxSplits: 1).map(String.init)
            var environment = ProcessInfo.processInfo.environment
            environment[variable[0]] = variable[1].replacingOccurrences(of: "%i", with: "1")
            let config = try await CommandResult(["config"], in: folder, environment: environment)
            #expect(config.status == 0, "\(config.standardError)")
            #expect(config.standardOutput.contains("port: 9461"))
        }
        let stop = try #require(Int(try Self.value(of: "TimeoutStopSec")))
        let drain = WorkerConfiguration().queue.consumer.drainTimeout
        #expect(.seconds(stop) >= drain + RunDrainTests.exitBound, "TimeoutStopSec covers the drain bound")
    }
}
