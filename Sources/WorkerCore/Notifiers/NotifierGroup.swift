/// Delivers each event to every configured notifier at once, and fails with one error naming each one that failed.
///
/// One notifier's failure does not stop the others: they all run to the end in a task group. The error is retryable
/// when any failure is, so the queue message comes back and the event goes to every notifier again, the ones that
/// succeeded included: delivery is at least once, and a receiver may see the same event twice.
package struct NotifierGroup: Notifier {
    /// The notifiers, in the order their failures are reported.
    package let notifiers: [any Notifier]

    /// The members' names joined with `+`, e.g. `webhook+log`.
    package var name: String { notifiers.map(\.name).joined(separator: "+") }

    /// Makes a group of `notifiers`; an empty group delivers nothing and never fails.
    package init(_ notifiers: [any Notifier]) {
        self.notifiers = notifiers
    }

    /// Sends the event to every notifier concurrently; throws `notificationFailed` (retryable) when any failure is
    /// retryable, else `notificationRejected`, its message listing each failed notifier and why.
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        let failures = await withTaskGroup(of: (index: Int, error: WorkerError)?.self) { group in
            for (index, notifier) in notifiers.enumerated() {
                group.addTask {
                    do throws(WorkerError) {
                        try await notifier.notify(event)
                        return nil
                    } catch {
                        return (index, error)
                    }
                }
            }
            var failures: [(index: Int, error: WorkerError)] = []
            for await case let failure? in group {
                failures.append(failure)
            }
            return failures.sorted { $0.index < $1.index }
        }
        guard !failures.isEmpty else { return }
        let retryable = failures.contains { $0.error.isRetryable }
        let reasons = failures.map { "\(notifiers[$0.index].name): \($0.error.explanation)" }
        throw WorkerError(
            retryable ? .notificationFailed : .notificationRejected,
            "\(failures.count) of \(notifiers.count) notifiers failed — " + reasons.joined(separator: "; "),
            retryable: retryable
        )
    }
}
