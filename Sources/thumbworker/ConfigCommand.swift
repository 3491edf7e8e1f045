import ArgumentParser
import Foundation
import WorkerCore

/// `thumbworker config`: checks the configuration and prints the effective values, secrets redacted.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract:
            "Validate the configuration and print the effective values (file, environment, defaults), secrets redacted.",
        discussion: "Exit status 2 lists every problem when the configuration is invalid."
    )

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    func run() async throws {
        do {
            let configuration = try WorkerConfiguration.load(
                orDefaultAt: config, environment: ProcessInfo.processInfo.environment)
            Terminal.standardOutput(configuration.effectiveYAML)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
    }
}
