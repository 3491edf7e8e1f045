import Synchronization
import Worker

/// A notifier that keeps every event and can be told to fail (for unit tests of the consumer logic only).
final class RecordingNotifier: Notifier {
    let name = "recording"
    private let state = Mutex<[ThumbnailEvent]>([])
    private let failure: WorkerError?

    init(failing failure: WorkerError? = nil) {
        self.failure = failure
    }

    var events: [ThumbnailEvent] { state.withLock { $0 } }

    func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        if let failure { throw failure }
        state.withLock { $0.append(event) }
    }
}
