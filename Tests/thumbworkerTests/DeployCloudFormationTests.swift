import AWSClients
import AppCore
import Foundation
import SigV4
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

@Suite("deploy/cloudformation: the stack")
struct DeployCloudFormationTests {
    /// The template as shipped, relative to the repository root.
    static let templatePath = "deploy/cloudformation/thumbworker.yaml"

    /// The template's text.
    static func template() throws -> String {
        try String(contentsOf: Testdata.repository.appending(path: templatePath), encoding: .utf8)
    }

    @Test(
        "cfn-lint and checkov pass; every checkov skip gives its reason and silences a finding",
        .enabled(if: DeployTools.isAvailable, DeployTools.skipReason))
    func lints() async throws {
        let lint = try await CommandResult(
            [Self.templatePath], in: Testdata.repository, executable: try DeployTools.command("cfn-lint"))
        #expect(lint.status == 0 && lint.standardOutput.isEmpty, "\(lint.standardOutput)\(lint.standardError)")
        // The template suppresses no cfn-lint rule; one that must be suppressed needs its reason next to it, and
        // this check extended to read it.
        #expect(!(try Self.template()).contains("ignore_checks"))

        // checkov leaves out the resources whose Condition it evaluates to false at the parameters' defaults (the
        // AppTables ones), so it checks the template as shipped and a copy with AppTables on by default.
        let folder = try TemporaryFolder.make()
        let optionsOn = folder.appending(path: "thumbworker-app-tables.yaml")
        try Self.templateWithAppTablesOn().write(to: optionsOn, atomically: true, encoding: .utf8)
        var results: [String: Any] = [:]
        for path in [Self.templatePath, optionsOn.path] {
            // --skip-download: no Prisma Cloud guidelines (there is no network; the checks themselves ship with checkov).
            let checkov = try await CommandResult(
                ["-f", path, "--skip-download", "--framework", "cloudformation", "-o", "json"],
                in: Testdata.repository, executable: try DeployTools.command("checkov"))
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(checkov.standardOutput.utf8)) as? [String: Any],
                "\(checkov.standardError)")
            results = try #require(report["results"] as? [String: Any])
            let failed = (results["failed_checks"] as? [[String: Any]] ?? []).map {
                "\($0["check_id"] ?? "?") on \($0["resource"] ?? "?")"
            }
            #expect(checkov.status == 0 && failed.isEmpty, "checkov findings in \(path): \(failed)")
            #expect((results["parsing_errors"] as? [Any] ?? []).isEmpty)
        }

        // Each `# checkov:skip=ID: reason` carries a reason of a few words, and checkov honoured each one: as many
        // findings were skipped as there are skip comments, with those reasons (in the copy, where every resource
        // is checked).
        let skipComments = try Self.template().split(separator: "\n").compactMap {
            line -> (id: String, reason: String)? in
            guard let range = line.range(of: "# checkov:skip=") else { return nil }
            let rest = line[range.upperBound...].split(separator: ":", maxSplits: 1)
            return (String(rest[0]), rest.count > 1 ? rest[1].trimmingCharacters(in: .whitespaces) : "")
        }
        #expect(!skipComments.isEmpty)
        for skip in skipComments {
            #expect(skip.reason.split(separator: " ").count >= 8, "checkov:skip=\(skip.id) needs its reason")
        }
        let skipped = (results["skipped_checks"] as? [[String: Any]] ?? []).map { check in
            let result = check["check_result"] as? [String: Any]
            return (
                id: check["check_id"] as? String ?? "",
                reason: (result?["suppress_comment"] as? String ?? "").trimmingCharacters(in: .whitespaces)
            )
        }
        #expect(
            skipped.map { "\($0.id): \($0.reason)" }.sorted() == skipComments.map { "\($0.id): \($0.reason)" }.sorted(),
            "a skip comment that silences nothing is stale; remove it")
    }

    /// The template with `AppTables` defaulting to true, so every optional resource's condition holds at the defaults.
    static func templateWithAppTablesOn() throws -> String {
        let template = try Self.template()
        let off = "  AppTables:\n    Type: String\n    Default: \"false\""
        try #require(template.contains(off), "the AppTables parameter's declaration moved: update this test")
        return template.replacingOccurrences(
            of: off, with: "  AppTables:\n    Type: String\n    Default: \"true\"")
    }

    @Test(
        "deployed to the emulator, a worker holding only the stack's policy makes thumbnails and events; refused the rest",
        .enabled(if: Emulator.isAvailable, Emulator.skipReason))
    func deploysAndRunsWithLeastPrivilege() async throws {
        try await Emulator.withClients { aws in
            let (stack, wiring, workerKey) = try await Self.deployWithWorker(
                aws, parameters: ["MaxReceiveCount": "4", "VisibilityTimeoutSeconds": "90"])
            let queueURL = try stack.output("QueueUrl")
            let workerConf = try stack.output("WorkerConf")

            // The queue the worker reads its redrive from, with the parameters' values, as the fragment says.
            let attributes = try await aws.sqs.queueAttributes(
                queueURL: queueURL, names: ["VisibilityTimeout", "RedrivePolicy"], logger: Emulator.logger)
            #expect(attributes["VisibilityTimeout"] == "90")
            #expect(attributes["RedrivePolicy"]?.contains(#""maxReceiveCount":"4""#) == true, "\(attributes)")
            #expect(workerConf.contains("visibility_timeout_seconds: 90"))
            #expect(workerConf.contains("delete_on_remove: false"))

            let uploads = [("in/landscape.jpg", "landscape.jpg"), ("alpha.png", "alpha.png")]
            for (key, file) in uploads {
                try await wiring.upload(file, as: key)
            }
            // The s3:TestEvent from the bucket's notification configuration, then one event per upload.
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: uploads.count + 1)

            try await Self.runRefusedNothing(wiring)
            let events = try await wiring.events(count: uploads.count)
            #expect(events.map(\.type) == Array(repeating: ThumbnailEvent.readyType, count: uploads.count))
            #expect(Set(events.map(\.source.key)) == Set(uploads.map(\.0)))
            #expect(try await wiring.keys(in: wiring.thumbnails) == uploads.map { "\($0.0).jpeg" }.sorted())
            try await wiring.expectQueuesEmpty()

            try await Self.expectRefusedWhatTheWorkerNeverNeeds(aws, wiring: wiring, workerKey: workerKey)
        }
    }

    @Test(
        "with DeleteEvents=true, a worker holding only the stack's policy deletes a removed original's thumbnails",
        .enabled(if: Emulator.isAvailable, Emulator.skipReason))
    func deletesThumbnailsOfRemovedOriginals() async throws {
        try await Emulator.withClients { aws in
            let (stack, wiring, _) = try await Self.deployWithWorker(aws, parameters: ["DeleteEvents": "true"])
            #expect(try stack.output("WorkerConf").contains("delete_on_remove: true"))
            try await wiring.upload("landscape.jpg", as: "in/gone.jpg")
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: 2)
            try await Self.runRefusedNothing(wiring)
            #expect(try await wiring.keys(in: wiring.thumbnails) == ["in/gone.jpg.jpeg"])

            try await aws.s3.deleteObject(bucket: wiring.uploads, key: "in/gone.jpg", logger: Emulator.logger)
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: 1)
            try await Self.runRefusedNothing(wiring)
            #expect(
                try await wiring.events(count: 2).map(\.type) == [ThumbnailEvent.readyType, ThumbnailEvent.deletedType])
            #expect(try await wiring.keys(in: wiring.thumbnails).isEmpty)
            try await wiring.expectQueuesEmpty()
        }
    }

    @Test(
        "with AppTables=true the catalog's tables are keyed as DynamoDBCatalog needs, named in the outputs, usable with only the app policy, and the upload bucket takes presigned PUTs from AppOrigins; by default no table",
        .enabled(if: Emulator.isAvailable, Emulator.skipReason))
    func appTables() async throws {
        try await Emulator.withClients { aws in
            let prefix = Emulator.uniqueName("tw")
            let origins = ["https://photos.example.com", "http://localhost:8080"]
            let stack = try await aws.deployStack(
                name: prefix, template: try Self.template(),
                parameters: ["NamePrefix": prefix, "AppTables": "true", "AppOrigins": origins.joined(separator: ",")])
            let groups = try stack.output("GroupsTableName")
            let images = try stack.output("ImagesTableName")
            #expect(groups == "\(prefix)-groups")
            #expect(images == "\(prefix)-images")

            let groupsTable = try await aws.describeTable(groups)
            #expect(groupsTable.KeySchema.map { "\($0.AttributeName) \($0.KeyType)" } == ["id HASH"])
            #expect((groupsTable.GlobalSecondaryIndexes ?? []).isEmpty)
            let imagesTable = try await aws.describeTable(images)
            #expect(
                imagesTable.KeySchema.map { "\($0.AttributeName) \($0.KeyType)" } == [
                    "groupId HASH", "timestamp RANGE",
                ])
            #expect(
                Set(imagesTable.AttributeDefinitions.map { "\($0.AttributeName) \($0.AttributeType)" })
                    == ["groupId S", "timestamp S", "imageId S"])
            let index = try #require(imagesTable.GlobalSecondaryIndexes?.first)
            #expect(imagesTable.GlobalSecondaryIndexes?.count == 1)
            #expect(index.IndexName == DynamoDBCatalog.imageIDIndex)
            #expect(index.KeySchema.map { "\($0.AttributeName) \($0.KeyType)" } == ["imageId HASH"])
            #expect(index.Projection.ProjectionType == "ALL")

            // The upload bucket's CORS rule: PUT from each origin, with the Content-Type a presigned PUT signs.
            let uploads = try stack.output("UploadBucketName")
            let cors = try await aws.client.send(
                AWSHTTPRequest(method: "GET", url: aws.s3.endpoint.url(path: "/\(uploads)", query: "cors")),
                to: aws.s3.endpoint, operation: "S3.GetBucketCors", logger: Emulator.logger)
            let corsXML = String(decoding: cors.body, as: UTF8.self)
            for expected in origins.map({ "<AllowedOrigin>\($0)</AllowedOrigin>" }) + [
                "<AllowedMethod>PUT</AllowedMethod>", "<AllowedHeader>Content-Type</AllowedHeader>",
            ] {
                #expect(corsXML.contains(expected), "\(corsXML)")
            }
            #expect(!corsXML.contains("<AllowedMethod>GET</AllowedMethod>"), "\(corsXML)")

            // A key holding only the app policy runs the catalog: every call it makes is granted, and nothing else.
            let appKey = try await Emulator.makeIAMUser(
                client: aws.client, policyARNs: [try stack.output("AppPolicyArn")])
            try await Emulator.withClients(credentials: appKey) { app in
                let catalog = DynamoDBCatalog(
                    client: app.dynamoDB, groupsTable: groups, imagesTable: images, logger: Emulator.logger)
                let time = Date(timeIntervalSince1970: 1_764_000_000)
                let group = GroupItem(
                    id: "019ab6d2c000000000000001", name: "holiday", description: nil, owner: nil, createdAt: time)
                try await catalog.createGroup(group)
                #expect(try await catalog.group(id: group.id) == group)
                #expect(try await catalog.groups(limit: 10, after: nil).items == [group])
                let image = ImageItem(
                    id: "019ab6d2c000000000000002", groupId: group.id, title: "beach", owner: nil, createdAt: time)
                try await catalog.putImage(image)
                #expect(try await catalog.image(id: image.id) == image)
                #expect(try await catalog.images(inGroup: group.id, limit: 10, after: nil).items == [image])
                try await catalog.deleteImage(id: image.id)
                try await catalog.deleteGroup(id: group.id)
                #expect(try await catalog.group(id: group.id) == nil)

                await Self.expectRefused("Scan of the images table") {
                    _ = try await app.dynamoDB.scan(DynamoDB.ScanRequest(tableName: images), logger: Emulator.logger)
                }

                // serve's upload URLs are PUTs its own key signs: under groups/ they store, elsewhere they are refused.
                for (key, status) in [("groups/\(group.id)/\(image.id)", 200), ("elsewhere/\(image.id)", 403)] {
                    let url = try await app.s3.presignedPutURL(
                        bucket: uploads, key: key, contentType: "image/jpeg", expires: .seconds(60))
                    let put = try await localRequest(
                        "PUT", url.path + "?" + (url.query ?? ""), port: try #require(url.port),
                        headers: [HTTPHeader(name: "Content-Type", value: "image/jpeg")], body: [1, 2, 3])
                    #expect(put.status == status, "\(key): \(String(decoding: put.body, as: UTF8.self))")
                }
            }

            // The default stack makes no catalog table, no app policy and no CORS rule.
            let plainPrefix = Emulator.uniqueName("tw")
            let plain = try await aws.deployStack(
                name: plainPrefix, template: try Self.template(), parameters: ["NamePrefix": plainPrefix])
            for output in ["GroupsTableName", "ImagesTableName", "AppPolicyArn"] {
                #expect(plain.outputs[output] == nil, "\(output)")
            }
            for table in ["\(plainPrefix)-groups", "\(plainPrefix)-images"] {
                do {
                    _ = try await aws.describeTable(table)
                    Issue.record("the default stack made the table \(table)")
                } catch let error as AWSError {
                    #expect(error.serviceCode == "ResourceNotFoundException", "\(error)")
                }
            }
        }
    }

    /// Deploys the stack with `parameters` (and a unique `NamePrefix`), makes a user holding only its worker policy,
    /// and returns the stack, the wiring whose worker runs with that user's key and the stack's worker.conf, and the key.
    static func deployWithWorker(
        _ aws: EmulatorClients, parameters: [String: String]
    ) async throws -> (DeployedStack, Wiring, Credentials) {
        let prefix = Emulator.uniqueName("tw")
        let stack = try await aws.deployStack(
            name: prefix, template: try Self.template(), parameters: parameters.merging(["NamePrefix": prefix]) { $1 })
        let workerKey = try await Emulator.makeIAMUser(
            client: aws.client, policyARNs: [try stack.output("WorkerPolicyArn")],
            inlinePolicies: [
                "emulator-batch-actions": try await Self.emulatorBatchActions(
                    aws, queueURL: try stack.output("QueueUrl"))
            ])
        let wiring = try await Self.wiring(aws, stack: stack, workerKey: workerKey)
        try stack.output("WorkerConf").write(
            to: wiring.folder.appending(path: "worker.conf"), atomically: true, encoding: .utf8)
        return (stack, wiring, workerKey)
    }

    /// Runs the worker until the queue is empty and expects it to exit 0 with nothing it asked for refused, not even a
    /// call whose failure it rides out (the readiness probe, a HEAD of a thumbnail not made yet).
    static func runRefusedNothing(_ wiring: Wiring) async throws {
        let run = try await wiring.run(["--exit-when-idle"]).result()
        #expect(run.status == 0, "\(run.standardError)")
        for refusal in ["AccessDenied", "HTTP 403", "refused"] {
            #expect(!run.standardError.contains(refusal), "\(run.standardError)")
        }
    }

    /// With the worker's key: deleting or overwriting an original, sending to the queue and reading another bucket
    /// are refused; a HEAD of a missing original answers 404, as the worker's `notFound` handling needs.
    static func expectRefusedWhatTheWorkerNeverNeeds(
        _ aws: EmulatorClients, wiring: Wiring, workerKey: Credentials
    ) async throws {
        let other = try await aws.makeBucket()
        _ = try await aws.s3.putObject(
            .init(bucket: other, key: "secret.jpg", body: try Testdata.bytes("landscape.jpg")), logger: Emulator.logger)
        try await Emulator.withClients(credentials: workerKey) { worker in
            let logger = Emulator.logger
            await expectRefused("DeleteObject of an original") {
                _ = try await worker.client.send(
                    AWSHTTPRequest(
                        method: "DELETE", url: worker.s3.endpoint.url(path: "/\(wiring.uploads)/in/landscape.jpg")),
                    to: worker.s3.endpoint, operation: "S3.DeleteObject", logger: logger)
            }
            await expectRefused("DeleteObject of a thumbnail (DeleteEvents is off)") {
                try await worker.s3.deleteObject(
                    bucket: wiring.thumbnails, key: "in/landscape.jpg.jpeg", logger: logger)
            }
            await expectRefused("PutObject into the upload bucket") {
                _ = try await worker.s3.putObject(
                    .init(bucket: wiring.uploads, key: "in/landscape.jpg", body: [1, 2, 3]), logger: logger)
            }
            await expectRefused("SendMessage to the upload queue") {
                _ = try await worker.sqs.sendMessage(.init(queueURL: wiring.workQueue, body: "{}"), logger: logger)
            }
            await expectRefused("GetObject from another bucket") {
                _ = try await worker.s3.getObject(bucket: other, key: "secret.jpg", maxBytes: 1 << 20, logger: logger)
            }
            do {
                _ = try await worker.s3.headObject(bucket: wiring.uploads, key: "in/missing.jpg", logger: logger)
                Issue.record("HEAD of a missing original succeeded")
            } catch let error as AWSError {
                #expect(error.statusCode == 404, "HEAD of a missing original: \(error)")
            }
        }
        let original = try await aws.s3.headObject(
            bucket: wiring.uploads, key: "in/landscape.jpg", logger: Emulator.logger)
        #expect(original.contentLength > 0, "the original is still there")
    }

    /// Expects `call` to fail with HTTP 403 AccessDenied.
    static func expectRefused(_ what: String, _ call: () async throws -> Void) async {
        do {
            try await call()
            Issue.record("\(what) was allowed")
        } catch let error as AWSError {
            #expect(
                error.statusCode == 403 && error.serviceCode?.contains("AccessDenied") == true, "\(what): \(error)")
        } catch {
            Issue.record("\(what): \(error)")
        }
    }

    /// An inline policy for the emulator only: ministack authorises DeleteMessageBatch and ChangeMessageVisibilityBatch
    /// as `sqs:DeleteMessageBatch` and `sqs:ChangeMessageVisibilityBatch`, whereas AWS authorises them with
    /// `sqs:DeleteMessage` and `sqs:ChangeMessageVisibility` (the stack's policy) and has no batch actions
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
    /// The shipped policy stays AWS-correct; this grants the emulator's extra names on the same queue, nothing more.
    static func emulatorBatchActions(_ aws: EmulatorClients, queueURL: String) async throws -> String {
        """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",\
        "Action":["sqs:DeleteMessageBatch","sqs:ChangeMessageVisibilityBatch"],\
        "Resource":"\(try await aws.queueARN(queueURL))"}]}
        """
    }

    /// The stack's buckets and queues as the end-to-end tests' `Wiring`, the worker running with `workerKey`, and a
    /// queue (made with the test's key) subscribed to the stack's events topic.
    static func wiring(_ aws: EmulatorClients, stack: DeployedStack, workerKey: Credentials) async throws -> Wiring {
        let notificationsQueue = try await aws.makeSubscribedQueue(topicARN: try stack.output("EventsTopicArn"))
        return Wiring(
            aws: aws, uploads: try stack.output("UploadBucketName"),
            thumbnails: try stack.output("ThumbnailBucketName"),
            workQueue: try stack.output("QueueUrl"), deadLetterQueue: try stack.output("DeadLetterQueueUrl"),
            notificationsQueue: notificationsQueue, folder: try TemporaryFolder.make(),
            environment: [
                "AWS_ACCESS_KEY_ID": workerKey.accessKeyID, "AWS_SECRET_ACCESS_KEY": workerKey.secretAccessKey,
                "AWS_ENDPOINT_URL": try #require(Emulator.url).absoluteString,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                // Short long polls, so --exit-when-idle ends soon after the queue empties; no metrics port.
                "THUMBWORKER_QUEUE_WAIT_SECONDS": "1", "THUMBWORKER_METRICS_PORT": "0",
            ])
    }
}
