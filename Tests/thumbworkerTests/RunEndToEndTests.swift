import AWSClients
import Foundation
import TestSupport
import Testing
import WorkerCore

/// `thumbworker run` as a separate process against ministack, wired as in production:
/// uploads bucket → S3 notification → "uploads" topic → work queue (redrive to a DLQ after 2 receives) → worker
/// → thumbnails bucket, and the worker's SNS notifier → "notifications" topic → a queue the test reads.
@Suite("thumbworker run end to end", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct RunEndToEndTests {
    /// The renditions every test configures: two JPEGs, named by the key template.
    static let renditions = [(name: "small", width: 150), (name: "large", width: 300)]

    // MARK: - 1. happy path and failures

    @Test(
        "uploads through S3 → SNS → SQS become thumbnails and ready events; a corrupt one a failed event; queues end empty"
    )
    func happyPathAndFailures() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.make(aws)
            let uploads = [
                ("in/my photo é ü+1.jpg", "landscape.jpg"), ("alpha.png", "alpha.png"),
                ("broken/truncated.jpg", "truncated.jpg"),
            ]
            for (key, file) in uploads {
                try await wiring.upload(file, as: key)
            }
            // The s3:TestEvent from configuring the notification, then one event per upload.
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: uploads.count + 1)

            let run = try await wiring.run(["--exit-when-idle"]).result()
            #expect(run.status == 0, "\(run.standardError)")
            // The s3:TestEvent is deleted without a notification: the queues end empty and only the uploads notify.
            try await wiring.expectQueuesEmpty()

            let events = try await wiring.events(count: 3)
            #expect(events.count == 3)
            let ready = events.filter { $0.type == ThumbnailEvent.readyType }
            let failed = events.filter { $0.type == ThumbnailEvent.failedType }
            #expect(Set(ready.map(\.source.key)) == ["in/my photo é ü+1.jpg", "alpha.png"])
            for event in ready {
                #expect(event.source.bucket == wiring.uploads)
                let renditions = try #require(event.renditions)
                #expect(renditions.map(\.name) == Self.renditions.map(\.name))
                #expect(renditions.map(\.width) == Self.renditions.map(\.width))
                #expect(renditions.map(\.key) == Self.renditions.map { "\(event.source.key)-\($0.name).jpeg" })
                for rendition in renditions {
                    #expect(rendition.bucket == wiring.thumbnails)
                    let object = try await aws.s3.headObject(
                        bucket: wiring.thumbnails, key: rendition.key, logger: Emulator.logger)
                    #expect(object.contentType == "image/jpeg")
                    #expect(object.eTag?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == rendition.eTag)
                    #expect(object.userMetadata[ThumbnailMetadata.generatorKey] == ThumbnailMetadata.generator)
                    #expect(object.userMetadata[ThumbnailMetadata.sourceBucketKey] == wiring.uploads)
                    #expect(
                        object.userMetadata[ThumbnailMetadata.sourceKeyKey]
                            == ThumbnailMetadata.encoded(event.source.key))
                    #expect(object.userMetadata[ThumbnailMetadata.sizeKey] == "\(rendition.width)x\(rendition.height)")
                }
            }
            let landscape = try #require(ready.first { $0.source.key.hasPrefix("in/") }?.renditions)
            #expect(landscape.map(\.height) == [100, 200])
            #expect(failed.map(\.source.key) == ["broken/truncated.jpg"])
            #expect(failed.first?.error?.code == "corrupt")
            #expect(failed.first?.error?.retryable == false)
            #expect(try await wiring.keys(in: wiring.thumbnails).count == 4, "no thumbnail for the corrupt upload")
            // The log notifier prints one JSON line per event.
            #expect(run.standardOutput.split(separator: "\n").count == 3, "\(run.standardOutput)")

            try await wiring.expectQueuesEmpty()
        }
    }

    // MARK: - 2. poison message

    @Test(
        "a body that is not an event is never deleted: after two receives the redrive policy moves it to the DLQ, unnotified"
    )
    func poisonMessage() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.make(aws, notifiesFromBucket: false)
            let garbage = "this is not an S3 event {"
            _ = try await aws.sqs.sendMessage(.init(queueURL: wiring.workQueue, body: garbage), logger: Emulator.logger)

            // One worker, long enough for two receives 10 s apart (the visibility timeout) and the third receive
            // that makes ministack move the message. Bounded: 60 polls of at most ~1 s.
            let worker = try await wiring.run([])
            var moved = false
            for _ in 0..<60 where !moved {
                try await Task.sleep(for: .seconds(1))
                moved = try await wiring.depth(of: wiring.deadLetterQueue) == 1
            }
            worker.send(SIGTERM)
            let run = try await worker.result()
            #expect(moved, "the message reached the dead-letter queue")
            #expect(run.status == 0, "\(run.standardError)")

            let dead = try await aws.sqs.receiveMessages(
                .init(queueURL: wiring.deadLetterQueue, waitTimeSeconds: 1), logger: Emulator.logger)
            #expect(dead.map(\.body) == [garbage])
            // Received at least twice and deleted by no one: the redrive policy moved it, not the worker.
            #expect(dead.first.flatMap { Int($0.attributes["ApproximateReceiveCount"] ?? "") } ?? 0 >= 2)
            #expect(try await wiring.depth(of: wiring.workQueue) == 0)
            #expect(
                try await wiring.events(count: 1, polls: 2).isEmpty,
                "no notification for a message that is not an event")
            #expect(run.standardOutput.isEmpty)
        }
    }

    // MARK: - 3. SIGTERM

    @Test("SIGTERM mid-batch drains and exits 0; a second worker finishes the rest; every upload has its thumbnails")
    func sigtermLosesNothing() async throws {
        // A webhook that answers after 2 s keeps every job in flight well after its SNS event is out (the notifiers
        // run side by side), so the SIGTERM sent on the first SNS event lands mid-batch, not between receives.
        try await LoopbackServer.run({ _ in
            try? await Task.sleep(for: .seconds(2))
            return CannedResponse(status: 200)
        }) { webhook in
            try await Emulator.withClients { aws in
                let wiring = try await Wiring.make(
                    aws, extraNotifiers: "  - type: webhook\n    url: \(webhook.url)/hook\n")
                let keys = try await wiring.uploadSix()
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: keys.count + 1)

                // Two messages in flight whatever the machine's cores, so SIGTERM finds work left in the queue.
                let worker = try await wiring.run(["--concurrency", "1", "--max-in-flight", "2"])
                var events = try await wiring.events(count: 1, polls: 30)
                try #require(!events.isEmpty, "a first notification within 30 polls")
                worker.send(SIGTERM)
                let first = try await worker.result(within: .seconds(30))
                #expect(first.status == 0, "\(first.standardError)")
                #expect(
                    first.standardOutput.split(separator: "\n").count < keys.count, "stopped before the queue was empty"
                )
                // Jobs in flight at SIGTERM finished within the drain timeout: each ready event the first worker
                // printed also reached the slow webhook, none was cut short.
                let printed = keys.filter { first.standardOutput.contains($0) }
                #expect(!printed.isEmpty)
                #expect(printed.allSatisfy { key in webhook.requests.contains { $0.body.contains(key) } })

                let second = try await wiring.run(["--exit-when-idle"]).result()
                #expect(second.status == 0, "\(second.standardError)")
                #expect(!second.standardOutput.isEmpty, "the first worker left work for the second")
                events += try await wiring.events(covering: keys, known: events)
                try await wiring.expectEveryUploadReady(keys, events: events)
                #expect(
                    Set(webhook.requests.map(\.body).compactMap { body in keys.first { body.contains($0) } })
                        == Set(keys))
                try await wiring.expectQueuesEmpty()
            }
        }
    }

    @Test("SIGTERM while the worker is at capacity: a job slower than drain_timeout_seconds is released at the timeout")
    func drainTimeoutAtCapacity() async throws {
        // The webhook answers after 8 s; drain_timeout_seconds is 5. With --max-in-flight 1, one message fills the worker.
        try await LoopbackServer.run({ _ in
            try? await Task.sleep(for: .seconds(8))
            return CannedResponse(status: 200)
        }) { webhook in
            try await Emulator.withClients { aws in
                let wiring = try await Wiring.make(
                    aws, extraNotifiers: "  - type: webhook\n    url: \(webhook.url)/hook\n    timeout_seconds: 20\n")
                try await wiring.upload("landscape.jpg", as: "slow/landscape.jpg")
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: 2)

                let worker = try await wiring.run(["--concurrency", "1", "--max-in-flight", "1"])
                let events = try await wiring.events(count: 1, polls: 30)
                try #require(events.count == 1, "the SNS event is out while the webhook still waits")
                worker.send(SIGTERM)
                let run = try await worker.result(within: .seconds(30))
                #expect(run.status == 0, "\(run.standardError)")
                let hidden = try await wiring.attribute("ApproximateNumberOfMessagesNotVisible", of: wiring.workQueue)
                #expect(hidden == 0, "released at the drain timeout, not left hidden")
                let visible = try await wiring.attribute("ApproximateNumberOfMessages", of: wiring.workQueue)
                #expect(visible == 1, "the unfinished message is released at once, not finished and deleted")
            }
        }
    }

    // MARK: - 4. SIGKILL

    @Test("SIGKILL with messages in flight: after the visibility timeout a second worker completes every upload")
    func sigkillLosesNothing() async throws {
        // The webhook answers the killed worker after 2 s, so its jobs are surely in flight at the kill; the second
        // worker gets quick answers.
        let slow = Locked(true)
        try await LoopbackServer.run({ _ in
            if slow.value { try? await Task.sleep(for: .seconds(2)) }
            return CannedResponse(status: 200)
        }) { webhook in
            try await Emulator.withClients { aws in
                let wiring = try await Wiring.make(
                    aws, extraNotifiers: "  - type: webhook\n    url: \(webhook.url)/hook\n")
                let keys = try await wiring.uploadSix()
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: keys.count + 1)

                let worker = try await wiring.run([])
                var events = try await wiring.events(count: 1, polls: 30)
                let inFlight = try await wiring.attribute("ApproximateNumberOfMessagesNotVisible", of: wiring.workQueue)
                worker.send(SIGKILL)
                let killed = try await worker.result()
                slow.withLock { $0 = false }
                #expect(killed.status == SIGKILL, "terminated by the signal")
                try #require(inFlight > 0, "messages were in flight when the worker was killed")

                // Wait (bounded) until the killed worker's messages are visible again: 10 s visibility timeout.
                var hidden = inFlight
                for _ in 0..<40 where hidden > 0 {
                    try await Task.sleep(for: .milliseconds(500))
                    hidden = try await wiring.attribute("ApproximateNumberOfMessagesNotVisible", of: wiring.workQueue)
                }
                #expect(hidden == 0)
                let second = try await wiring.run(["--exit-when-idle"]).result()
                #expect(second.status == 0, "\(second.standardError)")
                let secondReady = second.standardOutput.split(separator: "\n").compactMap {
                    try? ThumbnailEvent.decode(json: Array($0.utf8))
                }.filter { $0.type == ThumbnailEvent.readyType }
                #expect(secondReady.count >= inFlight, "the killed worker's messages came back and were completed")
                events += try await wiring.events(covering: keys, known: events)
                try await wiring.expectEveryUploadReady(keys, events: events)
                try await wiring.expectQueuesEmpty()
            }
        }
    }

    // MARK: - 5. duplicate delivery

    @Test(
        "the same S3 event delivered twice: rendered once, reused the second time; two ready events with the same ETags"
    )
    func duplicateDelivery() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.make(aws, notifiesFromBucket: false)
            let key = "dup/landscape.jpg"
            let put = try await wiring.upload("landscape.jpg", as: key)
            let body = Wiring.s3Event(bucket: wiring.uploads, key: key, size: put.size, eTag: put.eTag)
            for _ in 0..<2 {
                _ = try await aws.sqs.sendMessage(
                    .init(queueURL: wiring.workQueue, body: body), logger: Emulator.logger)
            }
            // One message at a time, so the second delivery finds the first one's thumbnails.
            let run = try await wiring.run(["--exit-when-idle", "--concurrency", "1", "--max-in-flight", "1"]).result()
            #expect(run.status == 0, "\(run.standardError)")
            let events = try await wiring.events(count: 2)
            #expect(events.map(\.type) == [ThumbnailEvent.readyType, ThumbnailEvent.readyType])
            // A rendering reports its stage timings; a reuse of current outputs has none to report.
            #expect(
                events.filter { $0.timings == nil }.count == 1,
                "the duplicate reused the outputs instead of rendering again: \(events.map(\.timings))")
            #expect(events.map(\.source.key) == [key, key])
            let eTags = events.map { $0.renditions?.map(\.eTag) ?? [] }
            #expect(
                eTags.count == 2 && eTags[0] == eTags[1] && eTags[0].count == 2 && !eTags[0].contains(nil), "\(eTags)")
            #expect(
                try await wiring.keys(in: wiring.thumbnails)
                    == Self.renditions.map { "\(key)-\($0.name).jpeg" }.sorted())
            #expect(try await wiring.depth(of: wiring.workQueue) == 0)
        }
    }
}

/// One test's buckets, topics, queues and worker configuration, all with unique names.
struct Wiring {
    /// The test's clients.
    let aws: EmulatorClients
    /// The bucket originals are uploaded to.
    let uploads: String
    /// The worker's destination bucket.
    let thumbnails: String
    /// The queue the worker consumes (subscribed to the uploads topic, redrive to `deadLetterQueue`).
    let workQueue: String
    /// The work queue's dead-letter queue.
    let deadLetterQueue: String
    /// The queue subscribed to the worker's notifications topic.
    let notificationsQueue: String
    /// The worker's working folder, holding worker.conf and the runs' output files.
    let folder: URL
    /// The worker's environment: the emulator's endpoint, region and the test user's key.
    let environment: [String: String]

    /// Creates everything; with `notifiesFromBucket`, the uploads bucket sends its ObjectCreated events to the topic
    /// (and with `notifiesRemovals` its ObjectRemoved events too).
    /// `extraNotifiers` are YAML items appended to the `notifiers` list; `endpoint` replaces the emulator's URL as the
    /// worker's AWS endpoint (a proxy in front of it); `metricsPort` serves /metrics (0: off); the work queue
    /// redrives to the dead-letter queue after `maxReceiveCount` receives.
    static func make(
        _ aws: EmulatorClients, notifiesFromBucket: Bool = true, notifiesRemovals: Bool = false,
        extraNotifiers: String = "", endpoint: String? = nil, metricsPort: Int = 0, maxReceiveCount: Int = 2
    ) async throws -> Wiring {
        let logger = Emulator.logger
        let uploads = try await aws.makeBucket()
        let thumbnails = try await aws.makeBucket()
        let uploadsTopic = try await aws.sns.createTopic(name: Emulator.uniqueName("uploads"), logger: logger)
        let deadLetterQueue = try await aws.sqs.createQueue(name: Emulator.uniqueName("work-dlq"), logger: logger)
        let redrive =
            #"{"deadLetterTargetArn":"\#(try await aws.queueARN(deadLetterQueue))","maxReceiveCount":"\#(maxReceiveCount)"}"#
        let workQueue = try await aws.makeSubscribedQueue(
            topicARN: uploadsTopic, name: Emulator.uniqueName("work"), queueAttributes: ["RedrivePolicy": redrive])
        if notifiesFromBucket {
            try await aws.notifyObjectEvents(bucket: uploads, topicARN: uploadsTopic, removals: notifiesRemovals)
        }
        let notificationsTopic = try await aws.sns.createTopic(
            name: Emulator.uniqueName("notifications"), logger: logger)
        let notificationsQueue = try await aws.makeSubscribedQueue(
            topicARN: notificationsTopic, name: Emulator.uniqueName("notified"))

        let folder = try TemporaryFolder.make()
        let renditions = RunEndToEndTests.renditions.map {
            "  - name: \($0.name)\n    width: \($0.width)\n    format: jpeg\n"
        }.joined()
        let configuration = """
            renditions:
            \(renditions)output:
              key_template: "{key}-{name}.{ext}"
            queue:
              url: \(workQueue)
              wait_seconds: 1
              visibility_timeout_seconds: 10
              drain_timeout_seconds: 5
              retry_base_seconds: 1
            source:
              buckets: [\(uploads)]
            destination:
              bucket: \(thumbnails)
            notifiers:
              - type: sns
                topic_arn: \(notificationsTopic)
              - type: log
                print: true
            \(extraNotifiers)aws:
              region: \(Emulator.region)
            metrics:
              port: \(metricsPort)

            """
        try configuration.write(to: folder.appendingPathComponent("worker.conf"), atomically: true, encoding: .utf8)
        var environment = try await ProcessCommandS3Tests.environment()
        if let endpoint {
            environment["AWS_ENDPOINT_URL"] = endpoint
        }
        return Wiring(
            aws: aws, uploads: uploads, thumbnails: thumbnails, workQueue: workQueue, deadLetterQueue: deadLetterQueue,
            notificationsQueue: notificationsQueue, folder: folder, environment: environment)
    }

    /// Starts `thumbworker run --config worker.conf` with `arguments`.
    func run(_ arguments: [String]) async throws -> RunningCommand {
        try RunningCommand(["run", "--config", "worker.conf"] + arguments, in: folder, environment: environment)
    }

    /// Puts a testdata file into the uploads bucket.
    @discardableResult
    func upload(_ file: String, as key: String) async throws -> (size: Int, eTag: String) {
        let bytes = try Testdata.bytes(file)
        let result = try await aws.s3.putObject(.init(bucket: uploads, key: key, body: bytes), logger: Emulator.logger)
        return (bytes.count, try #require(result.eTag))
    }

    /// Six uploads of different images; returns their keys.
    func uploadSix() async throws -> [String] {
        let files = ["landscape.jpg", "alpha.png", "wide.jpg", "tall.png", "orientation-6.jpg", "photo.webp"]
        var keys: [String] = []
        for (index, file) in files.enumerated() {
            let key = "batch/\(index) \(file)"
            try await upload(file, as: key)
            keys.append(key)
        }
        return keys
    }

    /// A queue attribute as a number.
    func attribute(_ name: String, of queue: String) async throws -> Int {
        let attributes = try await aws.sqs.queueAttributes(queueURL: queue, names: [name], logger: Emulator.logger)
        return try #require(attributes[name].flatMap { Int($0) }, "\(name) in \(attributes)")
    }

    /// Messages in the queue, visible or not.
    func depth(of queue: String) async throws -> Int {
        let attributes = try await aws.sqs.queueAttributes(
            queueURL: queue, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            logger: Emulator.logger)
        return attributes.values.compactMap { Int($0) }.reduce(0, +)
    }

    /// Polls (bounded: 50 × 0.2 s) until the queue holds at least `count` visible messages.
    func waitForDepth(of queue: String, atLeast count: Int) async throws {
        var depth = 0
        for _ in 0..<50 {
            depth = try await attribute("ApproximateNumberOfMessages", of: queue)
            if depth >= count { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the queue holds \(depth) messages, expected at least \(count)")
    }

    /// The worker's events read from the notifications queue, decoded from their SNS envelopes: receives (1 s long
    /// polls, at most `polls`) until `count` arrived, deleting what it reads.
    func events(count: Int, polls: Int = 10) async throws -> [ThumbnailEvent] {
        var events: [ThumbnailEvent] = []
        for _ in 0..<polls where events.count < count {
            let messages = try await aws.sqs.receiveMessages(
                .init(queueURL: notificationsQueue, waitTimeSeconds: 1), logger: Emulator.logger)
            for message in messages {
                let envelope = try SNSEnvelope(body: message.body)
                events.append(try ThumbnailEvent.decode(json: Array(envelope.Message.utf8)))
            }
            if !messages.isEmpty {
                _ = try await aws.sqs.deleteMessages(
                    queueURL: notificationsQueue,
                    entries: messages.enumerated().map {
                        .init(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle)
                    },
                    logger: Emulator.logger)
            }
        }
        return events
    }

    /// More events, read until `known` and them hold a ready event for every key (at most 10 polls): duplicates from
    /// redelivery may come first.
    func events(covering keys: [String], known: [ThumbnailEvent]) async throws -> [ThumbnailEvent] {
        var events: [ThumbnailEvent] = []
        for _ in 0..<10 {
            let ready = Set((known + events).filter { $0.type == ThumbnailEvent.readyType }.map(\.source.key))
            if ready.isSuperset(of: keys) { break }
            events += try await self.events(count: 1, polls: 1)
        }
        return events
    }

    /// Every key of the bucket, sorted (ListObjectsV2, one page).
    func keys(in bucket: String) async throws -> [String] {
        let response = try await aws.client.send(
            AWSHTTPRequest(method: "GET", url: aws.s3.endpoint.url(path: "/\(bucket)", query: "list-type=2")),
            to: aws.s3.endpoint, operation: "S3.ListObjectsV2", logger: Emulator.logger)
        let tree = try #require(XMLTree(parsing: response.body))
        return tree.children.filter { $0.name == "Contents" }.compactMap { $0.child("Key")?.text }.sorted()
    }

    /// Nothing is left in the work queue or the dead-letter queue.
    func expectQueuesEmpty() async throws {
        #expect(try await depth(of: workQueue) == 0)
        #expect(try await depth(of: deadLetterQueue) == 0)
    }

    /// Every upload has at least one ready event (duplicates allowed: at-least-once) and exactly its renditions exist.
    func expectEveryUploadReady(_ keys: [String], events: [ThumbnailEvent]) async throws {
        #expect(
            events.allSatisfy { $0.type == ThumbnailEvent.readyType },
            "\(events.map { ($0.source.key, $0.error?.code ?? "") })")
        let readyKeys = Set(events.filter { $0.type == ThumbnailEvent.readyType }.map(\.source.key))
        #expect(readyKeys == Set(keys), "missing: \(Set(keys).subtracting(readyKeys))")
        let expected = keys.flatMap { key in RunEndToEndTests.renditions.map { "\(key)-\($0.name).jpeg" } }.sorted()
        #expect(try await self.keys(in: thumbnails) == expected)
    }

    /// An S3 ObjectCreated notification for one object, shaped as S3 sends it (key form-encoded).
    static func s3Event(bucket: String, key: String, size: Int, eTag: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.*/")
        let encodedKey = (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key).replacingOccurrences(
            of: "%20", with: "+")
        let bareETag = eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"\(Emulator.region)",\
            "eventTime":"2026-11-24T10:00:00.000Z","eventName":"ObjectCreated:Put",\
            "userIdentity":{"principalId":"AWS:TEST"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},\
            "responseElements":{"x-amz-request-id":"TEST","x-amz-id-2":"TEST"},\
            "s3":{"s3SchemaVersion":"1.0","configurationId":"object-created",\
            "bucket":{"name":"\(bucket)","ownerIdentity":{"principalId":"TEST"},"arn":"arn:aws:s3:::\(bucket)"},\
            "object":{"key":"\(encodedKey)","size":\(size),"eTag":"\(bareETag)","sequencer":"0055AED6DCD90281E5"}}}]}
            """
    }
}
