import AWSClients
import Foundation
import TestSupport
import Testing
import WorkerCore

/// `thumbworker run` against ministack through a fault-injecting proxy, watched from the outside: the queue, the
/// notifications and its own `/metrics`, `/health` and `/ready`.
@Suite("thumbworker run end to end: recovery", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct RunRecoveryEndToEndTests {
    @Test(
        "S3 answering 503 SlowDown past the client's retries fails the job transiently; the message comes back and succeeds; /metrics shows both"
    )
    func transientS3Failure() async throws {
        // The level exercised is the queue's. The AWS client retries a 503 in-process, RetryPolicy.standard.maxAttempts
        // attempts in all; the proxy refuses exactly that many GETs of the original, so the failure outlives the
        // client's retries and the job fails as retryable: the message is not deleted, its visibility is set to
        // retry_base_seconds, and it comes back as receive 2 (thumb.attempt=2), whose GET goes through.
        let fault = TransientGetFault(key: "transient/landscape.jpg", refusals: RetryPolicy.standard.maxAttempts)
        try await Emulator.withClients { aws in
            try await FaultInjectingProxy.run(upstream: try #require(Emulator.url), fault: fault.answer) { proxy in
                // A port that was free a moment ago.
                let metricsPort = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
                let wiring = try await Wiring.make(aws, endpoint: proxy.url, metricsPort: metricsPort)
                try await wiring.upload("landscape.jpg", as: fault.key)
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: 2)
                let worker = try await wiring.run([])
                try await worker.killedOnFailure {
                    try await recover(fault, wiring: wiring, metricsPort: metricsPort)
                }
                worker.send(SIGTERM)
                let run = try await worker.result()
                #expect(run.status == 0, "\(run.standardError)")
                #expect(try await wiring.events(count: 1, polls: 2).isEmpty, "no failed event, nor a second ready one")
                #expect(fault.gets == fault.refusals + 1)
            }
        }
    }

    /// Follows the running worker through the refused GETs and the message's return: /metrics while the second
    /// attempt is held in flight, then the ready event, the thumbnails, the empty queues, and /metrics, /health, /ready.
    private func recover(_ fault: TransientGetFault, wiring: Wiring, metricsPort: Int) async throws {
        for _ in 0..<100 where fault.gets <= fault.refusals {
            try await Task.sleep(for: .milliseconds(200))
        }
        try #require(fault.gets == fault.refusals + 1, "the message came back and its GET was let through")
        let during = try await get("/metrics", port: metricsPort, aws: wiring.aws)
        expectSamples(
            [
                #"thumbworker_jobs_total{result="retry"} 1"#, #"thumbworker_jobs_total{result="ready"} 0"#,
                "thumbworker_in_flight 1.0",
            ], in: during.body)
        fault.release()

        let events = try await wiring.events(count: 1)
        #expect(events.map(\.type) == [ThumbnailEvent.readyType])
        #expect(events.map(\.source.key) == [fault.key])
        #expect(
            try await wiring.keys(in: wiring.thumbnails)
                == RunEndToEndTests.renditions.map { "\(fault.key)-\($0.name).jpeg" }.sorted())
        try await wiring.expectQueuesEmpty()

        // Both downloads were timed, the refused one too; the other stages ran once.
        let after = try await get("/metrics", port: metricsPort, aws: wiring.aws)
        expectSamples(
            [
                #"thumbworker_jobs_total{result="retry"} 1"#, #"thumbworker_jobs_total{result="ready"} 1"#,
                #"thumbworker_jobs_total{result="failed"} 0"#, "thumbworker_in_flight 0.0",
                #"thumbworker_stage_seconds_count{stage="download"} 2"#,
                #"thumbworker_stage_seconds_count{stage="decode"} 1"#,
                #"thumbworker_stage_seconds_count{stage="encode"} 1"#,
                #"thumbworker_stage_seconds_count{stage="upload"} 1"#,
                #"thumbworker_stage_seconds_count{stage="notify"} 1"#,
            ], in: after.body)
        #expect(after.body.contains(#"thumbworker_stage_seconds_bucket{stage="decode","#), "stage histograms")
        #expect(try await get("/health", port: metricsPort, aws: wiring.aws).status == 200)
        #expect(
            try await get("/ready", port: metricsPort, aws: wiring.aws).status == 200,
            "the queue answers through the proxy")
    }

    /// Every sample is a whole line of the Prometheus text.
    private func expectSamples(_ samples: [String], in text: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let lines = Set(text.split(separator: "\n").map(String.init))
        for sample in samples {
            #expect(lines.contains(sample), "\(sample) in\n\(text)", sourceLocation: sourceLocation)
        }
    }

    /// GETs `path` from the worker's metrics endpoint.
    private func get(_ path: String, port: Int, aws: EmulatorClients) async throws -> (status: Int, body: String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let response = try await aws.transport.send(AWSHTTPRequest(method: "GET", url: url), logger: Emulator.logger)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }
}

/// The proxy's fault: the first `refusals` GETs of `key` are answered 503 SlowDown; the next one is held (bounded:
/// 100 × 0.1 s) until the test releases it, so the job can be seen in flight; everything else passes.
private final class TransientGetFault: Sendable {
    /// The original's key.
    let key: String
    /// How many GETs of it are refused.
    let refusals: Int
    private let count = Locked(0)
    private let released = Locked(false)

    init(key: String, refusals: Int) {
        self.key = key
        self.refusals = refusals
    }

    /// The GETs of the key seen so far.
    var gets: Int { count.value }

    /// Lets the held GET through.
    func release() {
        released.withLock { $0 = true }
    }

    /// The proxy's answer to `request`, or nil to forward it.
    @Sendable func answer(_ request: RecordedRequest) async -> CannedResponse? {
        guard request.method == "GET", request.path.hasSuffix("/\(key)") else { return nil }
        let number = count.withLock { count in
            count += 1
            return count
        }
        if number <= refusals { return FaultInjectingProxy.slowDown }
        for _ in 0..<100 where !released.value {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
