import Synchronization
import WorkerCore

/// A notifier that keeps every event and can be told to fail, or to hold one key's event until released (for unit
/// tests of the consumer logic only).
final class RecordingNotifier: Notifier {
    let name = "recording"
    private let state = Mutex<[ThumbnailEvent]>([])
    private let failure: WorkerError?
    private let heldKey: String?
    private let released = Mutex(false)

    init(failing failure: WorkerError? = nil, holding heldKey: String? = nil) {
        self.failure = failure
        self.heldKey = heldKey
    }

    var events: [ThumbnailEvent] { state.withLock { $0 } }

    /// Lets the held event through.
    func release() {
        released.withLock { $0 = true }
    }

    func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        if let failure { throw failure }
        // Bounded: at most 10 s of 10 ms naps.
        for _ in 0..<1000 where event.source.key == heldKey && !released.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        state.withLock { $0.append(event) }
    }
}
