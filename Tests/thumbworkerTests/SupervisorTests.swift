import AWSClients
import Foundation
import LocalBackend
import TestSupport
import Testing
import WorkerCore

@testable import thumbworker

@Suite("thumbworker run --processes: a supervisor of worker processes")
struct SupervisorTests {
    /// A folder with `worker.conf` for the local backend (short waits and visibility) and `count` uploads enqueued.
    private static func localQueue(uploads count: Int, metricsPort: Int) async throws -> URL {
        let folder = try TemporaryFolder.make()
        try """
        queue:
          wait_seconds: 1
          visibility_timeout_seconds: 10
          drain_timeout_seconds: 2
        metrics:
          port: \(metricsPort)
        """.write(to: folder.appending(path: "worker.conf"), atomically: true, encoding: .utf8)
        let names = try (0..<count).map { index in
            let name = "p\(index).jpg"
            try FileManager.default.copyItem(at: Testdata.url("landscape.jpg"), to: folder.appending(path: name))
            return name
        }
        if !names.isEmpty {
            let upload = try await CommandResult(["upload"] + names, in: folder)
            try #require(upload.status == 0, "\(upload.standardError)")
        }
        return folder
    }

    /// The thumbnails made so far.
    private static func thumbnails(in folder: URL) -> Set<String> {
        let path = folder.appending(path: ".thumbworker/buckets/thumbnails").path
        return Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".jpeg") })
    }

    /// The ids of the processes whose parent is `pid`.
    private static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// The supervisor's two worker processes, once both have started (bounded: 100 × 0.1 s).
    private static func twoChildren(of supervisor: RunningCommand) async throws -> [Int32] {
        var children: [Int32] = []
        for _ in 0..<100 where children.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            children = Self.children(of: supervisor.processIdentifier)
        }
        try #require(children.count == 2, "two worker processes started")
        return children
    }

    /// A free port.
    private static func freePort() async throws -> Int {
        try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
    }

    @Test("two processes share the queue and one metrics endpoint; a SIGKILLed one is restarted and nothing is lost")
    func superviseRestartAndDrain() async throws {
        let port = try await Self.freePort()
        let folder = try await Self.localQueue(uploads: 40, metricsPort: port)
        defer { try? FileManager.default.removeItem(at: folder) }
        let supervisor = try RunningCommand(
            ["run", "--processes", "2"], in: folder, environment: ProcessInfo.processInfo.environment)
        try await supervisor.killedOnFailure {
            let children = try await Self.twoChildren(of: supervisor)
            // One scrape shows both processes; /ready answers for both.
            var metrics = ""
            for _ in 0..<100 where !(metrics.contains("process=\"0\"") && metrics.contains("process=\"1\"")) {
                try await Task.sleep(for: .milliseconds(100))
                metrics = (try? await localGET("/metrics", port: port))?.body ?? ""
            }
            #expect(metrics.contains(#"thumbworker_jobs_total{process="0",result="ready"}"#), "\(metrics)")
            #expect(metrics.contains(#"thumbworker_jobs_total{process="1",result="ready"}"#))
            #expect(metrics.components(separatedBy: "# TYPE thumbworker_jobs_total counter").count == 2, "one header")

            kill(children[0], SIGKILL)
            var replaced: [Int32] = []
            for _ in 0..<100 where replaced.count < 2 {
                try await Task.sleep(for: .milliseconds(100))
                replaced = Self.children(of: supervisor.processIdentifier)
            }
            #expect(replaced.count == 2 && !replaced.contains(children[0]), "the killed process was started again")
            // The killed one's messages come back after the visibility timeout (10 s) and are completed.
            for _ in 0..<300 where Self.thumbnails(in: folder).count < 40 {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(Self.thumbnails(in: folder).count == 40)
            #expect((try? await localGET("/ready", port: port))?.body == "ready\n")
            supervisor.send(SIGTERM)
            let run = try await supervisor.result()
            #expect(run.status == 0, "\(run.standardError)")
            #expect(replaced.allSatisfy { kill($0, 0) != 0 }, "every worker process has exited")
        }
        let queue = try SQLiteMessageQueue(path: folder.appending(path: ".thumbworker/queue.sqlite").path)
        #expect(try await queue.approximateDepth() == 0)
    }

    /// Whether process `pid` has exited (gone, or a zombie its new parent has not reaped yet).
    private static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the command name, which is in parentheses and may itself hold spaces.
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test("when the supervisor is SIGKILLed its processes drain and exit instead of running on unsupervised")
    func orphansStop() async throws {
        let folder = try await Self.localQueue(uploads: 150, metricsPort: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let supervisor = try RunningCommand(
            ["run", "--processes", "2"], in: folder, environment: ProcessInfo.processInfo.environment)
        try await supervisor.killedOnFailure {
            let children = try await Self.twoChildren(of: supervisor)
            for _ in 0..<100 where Self.thumbnails(in: folder).isEmpty {
                try await Task.sleep(for: .milliseconds(100))
            }
            supervisor.send(SIGKILL)
            _ = try await supervisor.result()
            // Each checks its parent every second, then drains within drain_timeout_seconds (2 s). Bounded: 20 s.
            for _ in 0..<200 where !children.allSatisfy(Self.hasExited) {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(children.allSatisfy(Self.hasExited), "the orphaned worker processes exited")
            for child in children where !Self.hasExited(child) { kill(child, SIGKILL) }
        }
        // Nothing lost: what was not made is still in the queue.
        let queue = try SQLiteMessageQueue(path: folder.appending(path: ".thumbworker/queue.sqlite").path)
        let left = try await queue.approximateDepth()
        #expect(Self.thumbnails(in: folder).count + left >= 150 && left > 0, "\(left) left")
    }

    @Test("--exit-when-idle: the processes drain the queue together and the supervisor exits 0")
    func drainsTogether() async throws {
        let folder = try await Self.localQueue(uploads: 12, metricsPort: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await CommandResult(["run", "--processes", "2", "--exit-when-idle"], in: folder)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(Self.thumbnails(in: folder).count == 12)
    }

    @Test("a process that cannot start again is not restarted in a loop: the supervisor stops the rest and exits 1")
    func givesUpOnAProcessThatCannotStart() async throws {
        let folder = try await Self.localQueue(uploads: 0, metricsPort: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let supervisor = try RunningCommand(
            ["run", "--processes", "2"], in: folder, environment: ProcessInfo.processInfo.environment)
        try await supervisor.killedOnFailure {
            let children = try await Self.twoChildren(of: supervisor)
            // An operator breaks the configuration, then a process dies: started again, it refuses to run.
            try "queue:\n  wait_seconds: forty\n".write(
                to: folder.appending(path: "worker.conf"), atomically: true, encoding: .utf8)
            kill(children[0], SIGKILL)
            let run = try await supervisor.result()
            #expect(run.status == 1)
            #expect(run.standardError.contains("could not start (exit status 2)"), "\(run.standardError)")
            #expect(children.allSatisfy { kill($0, 0) != 0 }, "the other process was stopped too")
        }
    }

    @Test("merged metrics: each sample labelled with its process, each header once")
    func mergesMetrics() {
        let child = """
            # HELP thumbworker_jobs_total Jobs.
            # TYPE thumbworker_jobs_total counter
            thumbworker_jobs_total{result="ready"} 3
            # TYPE thumbworker_in_flight gauge
            thumbworker_in_flight 1.0
            # TYPE thumbworker_stage_seconds histogram
            thumbworker_stage_seconds_bucket{stage="decode",le="0.1"} 2
            thumbworker_stage_seconds_count{stage="decode"} 2
            """
        #expect(
            SupervisorMetrics.merge([("0", child), ("1", child)]) == """
                # HELP thumbworker_jobs_total Jobs.
                # TYPE thumbworker_jobs_total counter
                thumbworker_jobs_total{process="0",result="ready"} 3
                thumbworker_jobs_total{process="1",result="ready"} 3
                # TYPE thumbworker_in_flight gauge
                thumbworker_in_flight{process="0"} 1.0
                thumbworker_in_flight{process="1"} 1.0
                # TYPE thumbworker_stage_seconds histogram
                thumbworker_stage_seconds_bucket{process="0",stage="decode",le="0.1"} 2
                thumbworker_stage_seconds_count{process="0",stage="decode"} 2
                thumbworker_stage_seconds_bucket{process="1",stage="decode",le="0.1"} 2
                thumbworker_stage_seconds_count{process="1",stage="decode"} 2

                """)
    }

    @Test("auto counts the container's CPU quota, rounded up, not the host's cores")
    func cpuQuota() {
        #expect(HostShare.quotaCPUs("150000 100000\n") == 2)
        #expect(HostShare.quotaCPUs("100000 100000") == 1)
        #expect(HostShare.quotaCPUs("max 100000") == nil)
        #expect(HostShare.usableCPUs(cgroupCPUMax: "/nonexistent") == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("at most five restarts a minute")
    func restartBudget() {
        let budget = RestartBudget()
        let start = ContinuousClock.now
        #expect((0..<5).allSatisfy { budget.allowsRestart(at: start + .seconds($0)) })
        #expect(!budget.allowsRestart(at: start + .seconds(30)))
        #expect(budget.allowsRestart(at: start + .seconds(61)), "the oldest restart left the window")
    }

    /// The `Cpus_allowed_list` line of a process started from this thread: what it inherited.
    static func inheritedCPUList() throws -> String {
        let process = Process()
        process.executableURL = URL(filePath: "/bin/cat")
        process.arguments = ["/proc/self/status"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = text.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return String(try #require(line).dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces))
    }

    @Test("a child started while bound runs on that CPU alone; the starting thread gets its mask back")
    func boundChild() throws {
        let allowed = try #require(CPUAffinity.allowedCPUs())
        try #require(!allowed.isEmpty)
        let cpu = try #require(allowed.last)
        #expect(try CPUAffinity.whileBound(to: cpu) { try Self.inheritedCPUList() } == "\(cpu)")
        #expect(CPUAffinity.allowedCPUs() == allowed)
        #expect(try CPUAffinity.whileBound(to: -1) { CPUAffinity.allowedCPUs() } == allowed, "refused: unbound")
    }

    @Test("children are bound one per CPU only when the mask has exactly as many CPUs and no quota is lower")
    func childCPUs() throws {
        let allowed = try #require(CPUAffinity.allowedCPUs())
        #expect(CPUAffinity.childCPUs(count: allowed.count + 1, usableCPUs: allowed.count + 1) == nil)
        #expect(CPUAffinity.childCPUs(count: 1, usableCPUs: 1) == nil, "one child has nothing to trade places with")
        if allowed.count > 1 {
            #expect(CPUAffinity.childCPUs(count: allowed.count, usableCPUs: allowed.count) == allowed)
            #expect(CPUAffinity.childCPUs(count: allowed.count, usableCPUs: allowed.count - 1) == nil)
        }
    }
}
