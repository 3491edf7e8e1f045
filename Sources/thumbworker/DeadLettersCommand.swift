import ArgumentParser
import Foundation
import LocalBackend
import WorkerCore

/// `thumbworker dead-letters`: lists the local queue's dead letters, or puts them back in the queue.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List the messages the local queue dead-lettered, or put them back (local backend only).",
        discussion: """
            A message is dead-lettered after queue.local_max_receives receives without being deleted (a body that is \
            not an S3 event, or an upload that kept failing transiently). With SQS, the queue's redrive policy moves \
            such messages to its dead-letter queue instead.
            """
    )

    @Flag(name: .long, help: "Put every dead letter back in the queue, with a fresh receive count.")
    var redrive = false

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    func run() async throws {
        let queue = try LocalQueueAccess.open(
            config: config,
            sqsAdvice:
                "dead-letters is for the local backend; with SQS, read the queue's dead-letter queue and move messages back with SQS's redrive (StartMessageMoveTask)"
        ).queue
        do {
            if redrive {
                let count = try await queue.redriveDeadLetters()
                Terminal.standardOutput("\(count) dead \(count == 1 ? "letter" : "letters") put back in the queue")
                return
            }
            let letters = try await queue.deadLetters()
            for letter in letters {
                let body = letter.body.count > 120 ? letter.body.prefix(120) + "…" : letter.body
                Terminal.standardOutput(
                    "\(letter.id)  received \(letter.receiveCount)×, dead-lettered \(letter.deadLetteredAt.formatted(.iso8601))  \(body)"
                )
            }
            if letters.isEmpty {
                Terminal.standardError("no dead letters")
            }
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(1)
        }
    }
}
