import AWSClients
import Foundation
import Imaging
import LocalBackend
import SigV4
import Synchronization
import TestSupport
import Testing
import WorkerCore

@testable import thumbworker

/// Runs the built `thumbworker` binary and captures what it prints.
struct CommandResult {
    let status: Int32
    let standardOutput: String
    let standardError: String

    /// Runs `thumbworker` (or another `executable`) with arguments in a working folder (and, when given, exactly
    /// this environment).
    ///
    /// The wait happens on a Dispatch thread, not Swift's cooperative pool: a test waiting for a command must not
    /// hold up the other tests' tasks (the pool has one thread a core).
    init(
        _ arguments: [String], in folder: URL, environment: [String: String]? = nil, executable: URL = binaryURL
    ) async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if let environment {
            process.environment = environment
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let (outputData, errorData) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                // Both pipes are read at once, or a child filling one would wait for the other forever.
                let group = DispatchGroup()
                let errorData = Locked(Data())
                DispatchQueue.global().async(group: group) {
                    errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() }
                }
                let outputData = output.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (outputData, errorData.value))
            }
        }
        status = process.terminationStatus
        standardOutput = String(decoding: outputData, as: UTF8.self)
        standardError = String(decoding: errorData, as: UTF8.self)
    }
}

extension CommandResult {
    /// A result from its parts.
    init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// A `thumbworker` process started without waiting for it, so a test can signal it; output goes to files.
struct RunningCommand: Sendable {
    private let process: Process
    private let exit: AsyncStream<Int32>
    private let outputURL: URL
    private let errorURL: URL

    /// Starts `thumbworker` with arguments in a working folder, with exactly this environment.
    init(_ arguments: [String], in folder: URL, environment: [String: String]) throws {
        let name = UUID().uuidString
        outputURL = folder.appendingPathComponent("\(name).stdout")
        errorURL = folder.appendingPathComponent("\(name).stderr")
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let (exit, continuation) = AsyncStream<Int32>.makeStream()
        self.exit = exit
        process = Process()
        process.executableURL = binaryURL
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.terminationHandler = { process in
            StartedWorkers.forget(process.processIdentifier)
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        StartedWorkers.remember(process.processIdentifier)
    }

    /// The process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the command is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGTERM, SIGKILL…) to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Runs `body`; when it throws, kills the process if it still runs, so a failed test leaves no worker polling.
    func killedOnFailure<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            if process.isRunning { send(SIGKILL) }
            throw error
        }
    }

    /// What the process printed so far.
    var standardOutput: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// What the process logged so far.
    var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit, at most `limit` (a guard against hangs, not a timing assertion);
    /// a process still running then is killed and the test fails.
    func result(within limit: Duration = .seconds(60)) async throws -> CommandResult {
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await exit.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let status else {
            send(SIGKILL)
            Issue.record(
                "thumbworker \(process.arguments ?? []) did not exit within \(limit); killed it. Log:\n\(standardError)"
            )
            throw CancellationError()
        }
        return CommandResult(status: status, standardOutput: standardOutput, standardError: standardError)
    }
}

/// The worker processes the tests started and that still run: whatever a failing test skipped, none outlives the
/// test process (they are killed when it exits).
enum StartedWorkers {
    private static let running = Mutex<Set<Int32>>([])
    private static let killAtExit: Void = {
        atexit {
            for pid in StartedWorkers.running.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    /// Records a started worker, the first time arranging for the kill at exit.
    static func remember(_ pid: Int32) {
        _ = killAtExit
        running.withLock { _ = $0.insert(pid) }
    }

    /// Forgets a worker that exited.
    static func forget(_ pid: Int32) {
        running.withLock { _ = $0.remove(pid) }
    }
}

/// The `thumbworker` executable next to the test bundle in the build folder.
let binaryURL: URL = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    while folder.path != "/"
        && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("thumbworker").path)
    {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("thumbworker")
}()

@Suite("thumbworker process")
struct ProcessCommandTests {
    @Test("good and bad inputs: outputs for the good, one clear line per bad, exit 1, an event per input")
    func mixedInputs() async throws {
        let folder = try TemporaryFolder.make()
        let inputs = ["landscape.jpg", "alpha.png", "bomb.png", "text.jpg", "truncated.jpg"].map(Testdata.path)
        let result = try await CommandResult(["process", "--json", "-o", "out"] + inputs, in: folder)
        #expect(result.status == 1)
        let events = try result.standardOutput.split(separator: "\n").map {
            try ThumbnailEvent.decode(json: Array($0.utf8))
        }
        #expect(events.count == 5)
        let byName = Dictionary(uniqueKeysWithValues: events.map { ($0.source.key, $0) })
        let landscape = try #require(byName["landscape.jpg"])
        #expect(landscape.type == ThumbnailEvent.readyType)
        let rendition = try #require(landscape.renditions?.first)
        #expect(rendition.width == 150 && rendition.height == 100 && rendition.format == .jpeg)
        #expect(rendition.bucket == "out" && rendition.key == "landscape.jpg.jpeg")
        let written = try Data(contentsOf: folder.appendingPathComponent("out/landscape.jpg.jpeg"))
        #expect(written.prefix(3) == Data([0xFF, 0xD8, 0xFF]))
        #expect(landscape.source.width == 600 && landscape.source.format == .jpeg)
        #expect(landscape.placeholder?.thumbHash.isEmpty == false)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/alpha.png.jpeg").path))
        for (file, code) in [
            ("bomb.png", "tooManyPixels"), ("text.jpg", "unsupportedFormat"), ("truncated.jpg", "corrupt"),
        ] {
            #expect(byName[file]?.type == ThumbnailEvent.failedType)
            #expect(byName[file]?.error?.code == code)
            #expect(result.standardError.contains("\(file): \(code)"), "\(result.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/bomb.png.jpeg").path))
    }

    @Test("renditions from flags, named by the key template")
    func renditionFlags() async throws {
        let folder = try TemporaryFolder.make()
        let result = try await CommandResult(
            [
                "process", Testdata.path("orientation-6.jpg"), "-o", "out",
                "--rendition", "small=64x64,fit=cover,format=webp", "--rendition", "large=300,format=png",
                "--key-template", "{stem}/{name}-{width}x{height}.{ext}",
            ], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let small = try Data(contentsOf: folder.appendingPathComponent("out/orientation-6/small-64x64.webp"))
        #expect(small.prefix(4) == Data("RIFF".utf8))
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("out/orientation-6/large-300x200.png").path))
        #expect(result.standardOutput.contains("1 of 1 inputs made thumbnails"))
    }

    @Test("simple flags override every configured rendition")
    func simpleFlags() async throws {
        let folder = try TemporaryFolder.make()
        let result = try await CommandResult(
            [
                "process", Testdata.path("landscape.jpg"), "-o", "out", "--width", "60",
                "--format", "webp", "--quality", "50", "--json",
            ], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"width\":60"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/landscape.jpg.webp").path))
    }

    @Test("bad flags and configuration exit 2 listing every problem")
    func badConfiguration() async throws {
        let folder = try TemporaryFolder.make()
        let flags = try await CommandResult(
            [
                "process", Testdata.path("landscape.jpg"), "-o", "out",
                "--rendition", "a=0", "--fit", "squash",
            ], in: folder)
        #expect(flags.status == 2)
        #expect(flags.standardError.contains("width 0") && flags.standardError.contains("fit 'squash'"))
        try "renditions:\n  - name: a\n    widht: 10\nlimits:\n  max_pixels: -1\n".write(
            to: folder.appendingPathComponent("worker.conf"), atomically: true, encoding: .utf8)
        let file = try await CommandResult(["process", Testdata.path("landscape.jpg"), "-o", "out"], in: folder)
        #expect(file.status == 2)
        #expect(file.standardError.contains("worker.conf: 3 problems"), "\(file.standardError)")
        #expect(
            file.standardError.contains("did you mean 'width'")
                && file.standardError.contains("limits.max_pixels (line 5)"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        // An S3 location without a key is refused before any connection is made (one made and dropped used to crash).
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_REGION"] = "us-east-1"
        try FileManager.default.removeItem(at: folder.appendingPathComponent("worker.conf"))
        let noKey = try await CommandResult(
            ["process", "s3://bucket", "-o", "out"], in: folder, environment: environment)
        #expect(noKey.status == 2)
        #expect(
            noKey.standardError.contains("s3://bucket: give an object key after the bucket"), "\(noKey.standardError)")
    }

    @Test("run refuses to start when its thumbnails would land where it reads uploads (recursion guard)")
    func recursionGuard() async throws {
        let folder = try TemporaryFolder.make()
        try "source:\n  buckets: [photos]\ndestination:\n  bucket: photos\n".write(
            to: folder.appendingPathComponent("worker.conf"), atomically: true, encoding: .utf8)
        let run = try await CommandResult(["run", "--exit-when-idle"], in: folder)
        #expect(run.status == 2)
        #expect(run.standardError.contains("thumbnails of its own thumbnails"), "\(run.standardError)")
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent(".thumbworker").path),
            "nothing was started")
    }

    @Test("dead-letters lists what the local queue dead-lettered, and --redrive puts it back")
    func deadLetters() async throws {
        let folder = try TemporaryFolder.make()
        let path = folder.appendingPathComponent(".thumbworker/queue.sqlite").path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Received once and never deleted: the second receive moves it aside (the limit is 1 receive).
        let queue = try SQLiteMessageQueue(path: path, maxReceiveCount: 1)
        try await queue.send(body: "not an S3 event")
        #expect(try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .zero).count == 1)
        #expect(try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .zero).isEmpty)

        let listed = try await CommandResult(["dead-letters"], in: folder)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(
            listed.standardOutput.contains("received 1×") && listed.standardOutput.contains("not an S3 event"),
            "\(listed.standardOutput)")
        let redriven = try await CommandResult(["dead-letters", "--redrive"], in: folder)
        #expect(redriven.standardOutput.contains("1 dead letter put back in the queue"), "\(redriven.standardOutput)")
        #expect(try await queue.approximateDepth() == 1)
        #expect(try await CommandResult(["dead-letters"], in: folder).standardError.contains("no dead letters"))
    }

    @Test("two inputs with the same file name do not overwrite each other")
    func sameFileName() async throws {
        let folder = try TemporaryFolder.make()
        let other = folder.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Testdata.path("alpha.png"), toPath: other.appendingPathComponent("landscape.jpg").path)
        let result = try await CommandResult(
            ["process", Testdata.path("landscape.jpg"), "copy/landscape.jpg", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.standardError.contains("copy/landscape.jpg") && result.standardError.contains("same name as"))
    }

    @Test("a folder or a missing file is a per-input error, not a crash")
    func unreadableInputs() async throws {
        let folder = try TemporaryFolder.make()
        let result = try await CommandResult(
            ["process", Testdata.folder.path, "missing.jpg", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.standardError.contains("is a folder"))
        #expect(result.standardError.contains("missing.jpg"))
    }
}

@Suite("thumbworker process with S3", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct ProcessCommandS3Tests {
    /// The environment that points the CLI at the emulator with the test user's key.
    static func environment() async throws -> [String: String] {
        let credentials = try await Emulator.testCredentials.value
        return [
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": Emulator.region, "AWS_ENDPOINT_URL": try #require(Emulator.url).absoluteString,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }

    @Test("s3:// in and out, mixed with local files, with odd keys; errors name the object")
    func roundTrip() async throws {
        let environment = try await Self.environment()
        try await Emulator.withClients { clients in
            let uploads = try await clients.makeBucket()
            let thumbs = try await clients.makeBucket()
            let key = "in/my photo é ü+1 ~()!*'.jpg"
            let original = try Testdata.bytes("orientation-6.jpg")
            _ = try await clients.s3.putObject(
                .init(bucket: uploads, key: key, body: original), logger: Emulator.logger)
            let folder = try TemporaryFolder.make()
            let result = try await CommandResult(
                [
                    "process", "s3://\(uploads)/\(key)", Testdata.path("alpha.png"),
                    "s3://\(uploads)/missing.jpg", "-o", "s3://\(thumbs)/t",
                ],
                in: folder, environment: environment)
            #expect(result.status == 1)
            #expect(
                result.standardError.contains("s3://\(uploads)/missing.jpg does not exist"), "\(result.standardError)")
            let thumbnail = try await clients.s3.getObject(
                bucket: thumbs, key: "t/\(key).jpeg", maxBytes: 1 << 20, logger: Emulator.logger)
            #expect(thumbnail.body.prefix(3) == [0xFF, 0xD8, 0xFF])
            #expect(thumbnail.metadata.contentType == "image/jpeg")
            #expect(thumbnail.metadata.cacheControl == "public, max-age=86400")
            #expect(thumbnail.metadata.userMetadata["thumbworker-source-bucket"] == uploads)
            let local = try await clients.s3.headObject(
                bucket: thumbs, key: "t/alpha.png.jpeg", logger: Emulator.logger)
            #expect(local.contentType == "image/jpeg")

            let download = try await CommandResult(
                ["process", "s3://\(uploads)/\(key)", "-o", "out"], in: folder, environment: environment)
            #expect(download.status == 0, "\(download.standardError)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(key).jpeg").path))
        }
    }

    @Test("the same gate as run: thumbworker's own output is skipped, current outputs are reused, --force renders")
    func gateAndReuse() async throws {
        let environment = try await Self.environment()
        try await Emulator.withClients { clients in
            let uploads = try await clients.makeBucket()
            let thumbs = try await clients.makeBucket()
            let image = try Testdata.bytes("landscape.jpg")
            _ = try await clients.s3.putObject(
                .init(
                    bucket: uploads, key: "made.jpg", body: image,
                    userMetadata: [ThumbnailMetadata.generatorKey: ThumbnailMetadata.generator]),
                logger: Emulator.logger)
            _ = try await clients.s3.putObject(
                .init(bucket: uploads, key: "photo.jpg", body: image), logger: Emulator.logger)
            let folder = try TemporaryFolder.make()
            let output = ["-o", "s3://\(thumbs)/t/", "--json"]

            let marked = try await CommandResult(
                ["process", "s3://\(uploads)/made.jpg"] + output, in: folder, environment: environment)
            #expect(marked.status == 0, "\(marked.standardError)")
            #expect(marked.standardError.contains("made.jpg: skipped: the object carries thumbworker's own marker"))
            #expect(marked.standardOutput.isEmpty)
            let missing = try? await clients.s3.headObject(
                bucket: thumbs, key: "t/made.jpg.jpeg", logger: Emulator.logger)
            #expect(missing == nil)

            let forced = try await CommandResult(
                ["process", "s3://\(uploads)/made.jpg", "--force"] + output, in: folder,
                environment: environment)
            #expect(forced.status == 0, "\(forced.standardError)")
            let made = try await clients.s3.headObject(bucket: thumbs, key: "t/made.jpg.jpeg", logger: Emulator.logger)
            #expect(made.contentType == "image/jpeg")

            let first = try await CommandResult(
                ["process", "s3://\(uploads)/photo.jpg"] + output, in: folder, environment: environment)
            let second = try await CommandResult(
                ["process", "s3://\(uploads)/photo.jpg"] + output, in: folder, environment: environment)
            let again = try await CommandResult(
                ["process", "s3://\(uploads)/photo.jpg", "--force"] + output, in: folder,
                environment: environment)
            let events = try [first, second, again].map { result in
                #expect(result.status == 0, "\(result.standardError)")
                return try ThumbnailEvent.decode(json: Array(result.standardOutput.utf8))
            }
            // Rendered the first time (timings), reused the second (none: nothing was decoded), rendered when forced.
            #expect(events.map { $0.timings != nil } == [true, false, true])
            let summaries = try [first, second, again].map { result in
                try JSONDecoder().decode(
                    ProgressSnapshot.Summary.self,
                    from: Data((result.standardError.split(separator: "\n").last ?? "").utf8))
            }
            #expect(summaries.map { $0.counters["reused"] } == [0, 1, 0])
            #expect(events.map { $0.renditions?.first?.key } == Array(repeating: "t/photo.jpg.jpeg", count: 3))
        }
    }

    @Test("a wrong secret is a per-input storage error, not a crash")
    func wrongSecret() async throws {
        try await Emulator.withClients { clients in
            // An object that exists, so the secret is the only thing wrong.
            let bucket = try await clients.makeBucket()
            _ = try await clients.s3.putObject(
                .init(bucket: bucket, key: "a.jpg", body: try Testdata.bytes("landscape.jpg")), logger: Emulator.logger)
            let arguments = ["process", "s3://\(bucket)/a.jpg", "-o", "out"]
            var environment = try await Self.environment()
            let right = try await CommandResult(arguments, in: try TemporaryFolder.make(), environment: environment)
            #expect(right.status == 0, "\(right.standardError)")
            environment["AWS_SECRET_ACCESS_KEY"] = "wrong"
            let wrong = try await CommandResult(arguments, in: try TemporaryFolder.make(), environment: environment)
            #expect(wrong.status == 1)
            // The job's first request is a HEAD, whose 403 carries no error code: the message names what to check.
            #expect(
                wrong.standardError.contains("HTTP 403") && wrong.standardError.contains("check the secret access key"),
                "\(wrong.standardError)")
        }
    }
}
