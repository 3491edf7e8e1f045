import Foundation
import TestSupport
import Testing

@Suite("thumbworker health")
struct HealthCommandTests {
    /// The environment with the metrics port set.
    private static func environment(port: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["THUMBWORKER_METRICS_PORT"] = "\(port)"
        return environment
    }

    @Test("0 while a local worker is ready; 1 with the reason once it is gone")
    func followsARealWorker() async throws {
        try await TemporaryFolder.with { folder in
            // A port that was free a moment ago.
            let port = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
            let worker = try RunningCommand(["run"], in: folder, environment: Self.environment(port: port))
            try await worker.killedOnFailure {
                var health = try await CommandResult(["health"], in: folder, environment: Self.environment(port: port))
                for _ in 0..<100 where health.status != 0 {
                    try await Task.sleep(for: .milliseconds(100))
                    health = try await CommandResult(["health"], in: folder, environment: Self.environment(port: port))
                }
                #expect(health.status == 0, "\(health.standardError)")
                #expect(health.standardOutput == "ready\n")
                worker.send(SIGTERM)
                #expect(try await worker.result().status == 0)
            }
            let gone = try await CommandResult(["health"], in: folder, environment: Self.environment(port: port))
            #expect(gone.status == 1)
            #expect(
                gone.standardError
                    == "thumbworker health: cannot ask http://127.0.0.1:\(port)/ready: Connection refused\n")
        }
    }

    @Test("1 with /ready's own reason when it answers 503; 2 when the configuration serves no /ready")
    func notReady() async throws {
        try await TemporaryFolder.with { folder in
            try await LoopbackServer.run({ _ in
                CannedResponse(status: 503, body: "not ready: the queue did not answer\n")
            }) { server in
                let health = try await CommandResult(
                    ["health", "--timeout", "30"], in: folder, environment: Self.environment(port: server.port))
                #expect(health.status == 1)
                #expect(
                    health.standardError == "thumbworker health: not ready: http://127.0.0.1:\(server.port)/ready "
                        + "answered HTTP 503: not ready: the queue did not answer\n")
            }
            let off = try await CommandResult(["health"], in: folder, environment: Self.environment(port: 0))
            #expect(off.status == 2)
            #expect(off.standardError.contains("metrics.port is 0"))
        }
    }
}
