import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import WorkerCore

/// `thumbworker health`: asks the local worker's `/ready`, for container HEALTHCHECK and exec probes.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 when the local worker's /ready answers 200, else 1 with the reason (for health probes).",
        discussion: """
            The address is metrics.host and metrics.port of the configuration (file, THUMBWORKER_* variables, \
            defaults), as `run` serves them; a worker listening on every address (0.0.0.0, ::) is asked on loopback. \
            Exit status 2 when the configuration is invalid or serves no /ready (metrics.port 0).
            """
    )

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    @Option(name: .long, help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    func run() async throws {
        let observability: ObservabilitySettings
        do {
            observability = try WorkerConfiguration.load(
                orDefaultAt: config, environment: ProcessInfo.processInfo.environment
            ).observability
        } catch {
            Terminal.standardError("thumbworker health: \(error)")
            throw ExitCode(2)
        }
        guard observability.metricsPort != 0 else {
            Terminal.standardError(
                "thumbworker health: metrics.port is 0, so the worker serves no /ready to ask; set metrics.port")
            throw ExitCode(2)
        }
        let url = "http://\(Self.loopbackHost(for: observability.metricsHost)):\(observability.metricsPort)/ready"
        switch await Self.ask(url, timeout: .seconds(Int64(max(1, timeout)))) {
        case .success(let answer) where answer.status == 200:
            Terminal.standardOutput("ready")
        case .success(let answer):
            Terminal.standardError(
                "thumbworker health: not ready: \(url) answered HTTP \(answer.status): \(answer.text)")
            throw ExitCode(1)
        case .failure(let reason):
            Terminal.standardError("thumbworker health: cannot ask \(url): \(reason)")
            throw ExitCode(1)
        }
    }

    /// Where a worker listening on `host` is reached from the same machine: loopback for the any-address.
    static func loopbackHost(for host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::", "[::]": "[::1]"
        default: host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }

    /// One GET of `url`: its status and body on one line, or why it could not be asked.
    private static func ask(_ url: String, timeout: TimeAmount) async -> Result<
        (status: UInt, text: String), HealthError
    > {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let outcome: Result<(status: UInt, text: String), HealthError>
        do {
            let answer = try await LocalHTTP.get(url, client: client, timeout: timeout)
            outcome = .success((answer.status, answer.text.split(whereSeparator: \.isNewline).joined(separator: " ")))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            outcome = .failure(HealthError("no answer within \(timeout.nanoseconds / 1_000_000_000) s"))
        } catch let error as IOError {
            outcome = .failure(HealthError(String(cString: strerror(error.errnoCode))))
        } catch {
            outcome = .failure(HealthError("\(error)"))
        }
        try? await client.shutdown()
        return outcome
    }
}

/// Why `/ready` could not be asked.
struct HealthError: Error, CustomStringConvertible {
    /// The reason, in a few words.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
