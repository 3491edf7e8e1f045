import WorkerCore

/// A notifier that keeps every event and can be told to fail, or to hold one key's event until released (for unit
/// tests of the consumer logic only).
final class RecordingNotifier: Notifier {
    let name = "recording"
    private let state = Watched<[ThumbnailEvent]>([])
    private let failure: WorkerError?
    private let heldKey: String?
    private let released = Watched(false)
    private let holding = Watched(false)

    init(failing failure: WorkerError? = nil, holding heldKey: String? = nil) {
        self.failure = failure
        self.heldKey = heldKey
    }

    var events: [ThumbnailEvent] { state.value }

    /// Lets the held event through.
    func release() {
        released.update { $0 = true }
    }

    /// Returns once the held key's event has arrived and waits for `release()`.
    func waitUntilHolding() async {
        await holding.wait { $0 }
    }

    /// Returns once an event for `key` was delivered.
    func waitForEvent(key: String) async {
        await state.wait { events in events.contains { $0.source.key == key } }
    }

    func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        if let failure { throw failure }
        if event.source.key == heldKey {
            holding.update { $0 = true }
            await released.wait { $0 }
        }
        state.update { $0.append(event) }
    }
}
