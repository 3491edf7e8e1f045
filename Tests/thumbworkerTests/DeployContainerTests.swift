import Foundation
import TestSupport
import Testing

@Suite("deploy/container: the Containerfile")
struct DeployContainerTests {
    /// The Containerfile as shipped.
    static let containerfile = Testdata.repository.appending(path: "deploy/container/Containerfile")

    /// Its instructions in order, each as its keyword (upper case) and the rest of its line, continuations joined.
    static func instructions() throws -> [(keyword: String, arguments: String)] {
        let text = try String(contentsOf: containerfile, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        let joined = lines.joined(separator: "\n").replacingOccurrences(of: "\\\n", with: " ")
        return joined.split(separator: "\n").compactMap { line in
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            guard let keyword = parts.first else { return nil }
            return (keyword.uppercased(), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// The arguments of the only `keyword` instruction.
    static func only(_ keyword: String) throws -> String {
        let matches = try instructions().filter { $0.keyword == keyword }
        try #require(matches.count == 1, "one \(keyword) in the Containerfile, found \(matches.count)")
        return matches[0].arguments
    }

    /// A JSON (exec form) argument list, e.g. `["thumbworker", "run"]`.
    static func execForm(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    @Test("every THUMBWORKER_* variable it sets is a key the worker accepts, with the values a container needs")
    func environmentIsTheWorkers() async throws {
        let assignments = try Self.only("ENV").split(separator: " ").filter { $0.contains("=") }.map {
            $0.split(separator: "=", maxSplits: 1).map(String.init)
        }
        let variables = Dictionary(uniqueKeysWithValues: assignments.map { ($0[0], $0[1]) })
        #expect(variables["THUMBWORKER_IMAGING_PROCESSES"] == "0", "one worker process per CPU of the quota")
        #expect(variables["THUMBWORKER_METRICS_HOST"] == "0.0.0.0", "probes from outside the container reach it")
        try await TemporaryFolder.with { folder in
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("THUMBWORKER_") }
            environment.merge(variables.filter { $0.key.hasPrefix("THUMBWORKER_") }) { $1 }
            // Unknown THUMBWORKER_* variables are refused, so a clean run means every one is a key.
            let config = try await CommandResult(["config"], in: folder, environment: environment)
            #expect(config.status == 0, "\(config.standardError)")
            #expect(config.standardOutput.contains("processes: 0"))
            #expect(config.standardOutput.contains("host: \"0.0.0.0\""))
            // Everything the local backends write is in the volume, nothing in the read-only working directory.
            let volume = try Self.execForm(try Self.only("VOLUME"))
            for key in ["local_path", "root"] {
                let line = config.standardOutput.split(separator: "\n").first { $0.contains("  \(key): ") }
                #expect(line?.contains("\"\(volume[0])/") == true, "\(key) is in the volume: \(line ?? "missing")")
            }
        }
    }

    @Test("it runs `thumbworker run` as a non-root user, and its HEALTHCHECK runs `thumbworker health`")
    func entrypointAndHealthCheck() async throws {
        let entrypoint = try Self.execForm(try Self.only("ENTRYPOINT"))
        #expect(entrypoint == ["/usr/local/bin/thumbworker", "run"])
        let health = try Self.only("HEALTHCHECK")
        let command = try #require(health.range(of: "CMD "), "HEALTHCHECK … CMD […]")
        #expect(try Self.execForm(String(health[command.upperBound...])) == ["/usr/local/bin/thumbworker", "health"])
        // Both stages that make an image put the binary where the entrypoint names it.
        let copies = try Self.instructions().filter { $0.keyword == "COPY" && $0.arguments.contains("thumbworker") }
        #expect(copies.count == 2 && copies.allSatisfy { $0.arguments.hasSuffix(" \(entrypoint[0])") }, "\(copies)")
        let user = try Self.only("USER").split(separator: ":").map { Int($0) }
        #expect(user.count == 2 && user.allSatisfy { ($0 ?? 0) > 0 }, "a numeric non-root user and group")
        try await TemporaryFolder.with { folder in
            for arguments in [Array(entrypoint.dropFirst()), ["health"]] {
                let help = try await CommandResult(arguments + ["--help"], in: folder)
                #expect(help.status == 0, "\(arguments): \(help.standardError)")
            }
        }
    }
}
