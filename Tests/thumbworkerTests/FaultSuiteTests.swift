import Foundation
import TestSupport
import Testing
import WorkerCore

/// The worker proves its own reliability: real runs against the emulator through a proxy that injects deterministic
/// faults, and workers killed at seeded points. Each test prints its figures (`fault suite: …`) in the test log.
@Suite("Fault suite", .serialized, .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct FaultSuiteTests {
    /// The key whose every HEAD fails.
    static let doomedKey = "doomed/landscape.jpg"

    /// Faults the worker's retries absorb, on every kind of call, plus one key whose every HEAD fails.
    static func plan() -> FaultPlan {
        FaultPlan([
            .init(
                "503 SlowDown (XML) on the first GET of each key", operation: "S3.GetObject", attempts: { $0 == 1 },
                action: .answer(FaultInjectingProxy.slowDown)),
            .init(
                "429 with Retry-After on the first PUT of each rendition of one upload", operation: "S3.PutObject",
                keyContaining: "batch/0", attempts: { $0 == 1 }, action: .answer(FaultInjectingProxy.throttled)),
            .init(
                "connection closed before the answer to the first PUT of each rendition of one upload",
                operation: "S3.PutObject", keyContaining: "batch/1", attempts: { $0 == 1 },
                action: .forwardThenCut(.beforeResponse)),
            .init(
                "300 ms added to every HEAD of one upload", operation: "S3.HeadObject", keyContaining: "batch/2",
                attempts: { _ in true }, action: .delay(.milliseconds(300))),
            .init(
                "503 on every HEAD of one key", operation: "S3.HeadObject", keyContaining: doomedKey,
                attempts: { _ in true }, action: .answer(FaultInjectingProxy.unavailable)),
            .init(
                "connection closed during the answer to every third Publish", operation: "SNS.Publish",
                attempts: { $0 % 3 == 0 }, action: .forwardThenCut(.duringBody)),
            .init(
                "500 InternalError (JSON) on the second ReceiveMessage", operation: "SQS.ReceiveMessage",
                attempts: { $0 == 2 }, action: .answer(FaultInjectingProxy.sqsInternalError)),
            .init(
                "connection closed before the answer to the first DeleteMessageBatch",
                operation: "SQS.DeleteMessageBatch", attempts: { $0 == 1 }, action: .forwardThenCut(.beforeResponse)),
        ])
    }

    @Test(
        "absorbable faults on every call: every upload ready, duplicates recognisable; the doomed key alone dead-letters, notified"
    )
    func faultsAreAbsorbed() async throws {
        let plan = Self.plan()
        try await Emulator.withClients { aws in
            try await FaultInjectingProxy.run(upstream: try #require(Emulator.url), plan: plan) { proxy in
                let metricsPort = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
                let wiring = try await Wiring.make(aws, endpoint: proxy.url, metricsPort: metricsPort)
                let keys = try await wiring.uploadSix()
                try await wiring.upload("landscape.jpg", as: Self.doomedKey)
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: keys.count + 2)

                let run = try await wiring.run(["--exit-when-idle"]).result(within: .seconds(240))
                #expect(run.status == 0, "\(run.standardError)")

                var events: [ThumbnailEvent] = []
                for _ in 0..<20 {
                    let ready = Set(events.filter { $0.type == ThumbnailEvent.readyType }.map(\.source.key))
                    let doomed = events.contains { $0.source.key == Self.doomedKey }
                    if ready.isSuperset(of: keys) && doomed { break }
                    events += try await wiring.events(count: 10, polls: 1)
                }
                let doomed = events.filter { $0.source.key == Self.doomedKey }
                try await wiring.expectEveryUploadReady(keys, events: events.filter { $0.source.key != Self.doomedKey })
                #expect(!doomed.isEmpty && doomed.allSatisfy { $0.type == ThumbnailEvent.failedType }, "\(doomed)")
                #expect(doomed.allSatisfy { $0.error?.retryable == true })
                #expect(doomed.allSatisfy { $0.error?.message.contains("dead-letter") == true }, "\(doomed)")
                #expect(try await wiring.depth(of: wiring.workQueue) == 0)
                #expect(try await wiring.depth(of: wiring.deadLetterQueue) == 1, "the doomed key's message, only")

                let injected = plan.injected
                for kind in plan.kinds {
                    #expect((injected[kind] ?? 0) > 0, "no fault injected: \(kind)")
                }
                let ready = events.filter { $0.type == ThumbnailEvent.readyType }
                let duplicates = events.count - Set(events.compactMap(\.id)).count
                let cutPublishes = injected["connection closed during the answer to every third Publish"] ?? 0
                #expect(duplicates == cutPublishes, "each publish cut after it was made is retried: one duplicate each")
                #expect(events.allSatisfy { $0.id != nil }, "every event carries its deduplication id")
                let faults = injected.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }
                print(
                    "fault suite: injected \(injected.values.reduce(0, +)) faults (\(faults.joined(separator: "; "))); "
                        + "\(Set(ready.map(\.source.key)).count) of \(keys.count) uploads ready; "
                        + "dead-letter queue 1 (the doomed key, its failed event sent); "
                        + "\(duplicates) duplicate events (one per cut publish), each with its original's id")
            }
        }
    }

    @Test("workers SIGKILLed and SIGTERMed at seeded points: every upload ends with its thumbnails or its failed event")
    func killedWorkersLoseNothing() async throws {
        let seed = ProcessInfo.processInfo.environment["FAULT_SUITE_SEED"].flatMap { UInt64($0) } ?? 20_261_203
        var random = SplitMix64(seed: seed)
        try await Emulator.withClients { aws in
            // Every receive counts toward the redrive: a message may be taken by each of the killed workers.
            let wiring = try await Wiring.make(aws, maxReceiveCount: 10)
            let keys = try await wiring.uploadSix()
            try await wiring.upload("truncated.jpg", as: "broken/truncated.jpg")
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: keys.count + 2)

            var kills: [String] = []
            for _ in 0..<4 {
                let worker = try await wiring.run(["--concurrency", "1", "--max-in-flight", "2"])
                let delay = Duration.milliseconds(Int(random.next() % 1_500) + 300)
                let signal = random.next() % 2 == 0 ? SIGKILL : SIGTERM
                try await Task.sleep(for: delay)
                worker.send(signal)
                let stopped = try await worker.result(within: .seconds(60))
                if signal == SIGTERM {
                    #expect(stopped.status == 0, "SIGTERM drains and exits 0: \(stopped.standardError)")
                }
                kills.append("\(signal == SIGKILL ? "SIGKILL" : "SIGTERM") after \(delay)")
            }
            // The last worker waits for the messages the killed ones hid (up to the visibility timeout).
            let last = try await wiring.run(["--exit-when-idle"]).result(within: .seconds(120))
            #expect(last.status == 0, "\(last.standardError)")

            var events: [ThumbnailEvent] = []
            for _ in 0..<20 {
                let ready = Set(events.filter { $0.type == ThumbnailEvent.readyType }.map(\.source.key))
                if ready.isSuperset(of: keys) && events.contains(where: { $0.type == ThumbnailEvent.failedType }) {
                    break
                }
                events += try await wiring.events(count: 10, polls: 1)
            }
            let failed = events.filter { $0.type == ThumbnailEvent.failedType }
            #expect(Set(failed.map(\.source.key)) == ["broken/truncated.jpg"])
            try await wiring.expectEveryUploadReady(keys, events: events.filter { $0.type == ThumbnailEvent.readyType })
            try await wiring.expectQueuesEmpty()
            let duplicates = events.count - Set(events.compactMap(\.id)).count
            print(
                "fault suite: kills (seed \(seed)): \(kills.joined(separator: ", ")); \(keys.count) of \(keys.count) "
                    + "uploads ready, the corrupt one failed; queue and dead-letter queue empty; \(duplicates) duplicate "
                    + "events (redelivered after a kill), each with its original's id")
        }
    }
}

/// A small seeded generator (SplitMix64), so a run's random points replay from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator starting from `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
