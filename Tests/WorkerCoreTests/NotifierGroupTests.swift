import TestSupport
import Testing
import WorkerCore

/// Fan-out to several notifiers: everyone is tried, failures are named, retryability is the most hopeful one's.
@Suite struct NotifierGroupTests {
    /// Returns only once `expected` notifiers have started, so the group must run them at the same time.
    struct RendezvousNotifier: Notifier {
        let name = "rendezvous"
        let expected: Int
        let state: Locked<(arrived: Int, waiting: [CheckedContinuation<Void, Never>])>

        func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
            await withCheckedContinuation { continuation in
                let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.arrived += 1
                    state.waiting.append(continuation)
                    guard state.arrived == expected else { return [] }
                    defer { state.waiting = [] }
                    return state.waiting
                }
                for continuation in released { continuation.resume() }
            }
        }
    }

    static let unreachable = WorkerError(
        .notificationFailed, "webhook to hooks.example.com could not be reached", retryable: true)
    static let refused = WorkerError(
        .notificationRejected, "webhook to hooks.example.com answered HTTP 404", retryable: false)

    @Test func namesTheFailedNotifierAndStillDeliversToTheOthers() async throws {
        let (logger, records) = MetadataLogHandler.logger()
        let group = NotifierGroup([RecordingNotifier(failing: Self.unreachable), LogNotifier(logger: logger)])
        let error = try await #require(throws: WorkerError.self) { try await group.notify(.sampleReady) }
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(
            error.message == "1 of 2 notifiers failed — recording: webhook to hooks.example.com could not be reached")
        #expect(records.value.map { $0["thumb.s3.key"] } == ["in/cat.jpg"])
    }

    @Test func isRetryableWhenAnyFailureIs() async throws {
        let group = NotifierGroup([
            RecordingNotifier(failing: Self.refused), RecordingNotifier(failing: Self.unreachable),
        ])
        let error = try await #require(throws: WorkerError.self) { try await group.notify(.sampleReady) }
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        #expect(
            error.message
                == "2 of 2 notifiers failed — recording: \(Self.refused.message); recording: \(Self.unreachable.message)"
        )
    }

    @Test func isPermanentWhenEveryFailureIs() async throws {
        let delivered = RecordingNotifier()
        let group = NotifierGroup([delivered, RecordingNotifier(failing: Self.refused)])
        let error = try await #require(throws: WorkerError.self) { try await group.notify(.sampleFailed) }
        #expect(error.code == .notificationRejected)
        #expect(!error.isRetryable)
        #expect(error.message == "1 of 2 notifiers failed — recording: webhook to hooks.example.com answered HTTP 404")
        #expect(delivered.events.map(\.type) == [ThumbnailEvent.failedType])
    }

    @Test func deliversToEveryNotifierWhenAllSucceed() async throws {
        let first = RecordingNotifier()
        let (logger, records) = MetadataLogHandler.logger()
        let group = NotifierGroup([first, LogNotifier(logger: logger)])
        try await group.notify(.sampleReady)
        #expect(first.events.count == 1)
        #expect(records.value.count == 1)
        #expect(group.name == "recording+log")
    }

    @Test func emptyGroupDeliversNothingAndSucceeds() async throws {
        let group = NotifierGroup([])
        try await group.notify(.sampleReady)
        // A group sends only through its members: an empty one must hold none (no fallback notifier of its own).
        #expect(group.notifiers.isEmpty, "\(group.notifiers.map(\.name))")
        #expect(group.name.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func runsTheNotifiersConcurrently() async throws {
        let state = Locked<(arrived: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))
        let group = NotifierGroup((0..<3).map { _ in RendezvousNotifier(expected: 3, state: state) })
        try await group.notify(.sampleReady)
        #expect(state.withLock { $0.arrived } == 3)
    }
}
