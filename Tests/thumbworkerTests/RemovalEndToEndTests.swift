import AWSClients
import Foundation
import TestSupport
import Testing
import WorkerCore

/// `destination.delete_on_remove` against ministack: the uploads bucket sends its ObjectCreated and ObjectRemoved
/// events through SNS to the work queue, and `thumbworker run` deletes (or keeps) thumbnails.
@Suite("thumbworker run: delete on remove, end to end", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct RemovalEndToEndTests {
    @Test("removing an original deletes its thumbnails and notifies thumbnails.deleted; others stay")
    func removalDeletesThumbnails() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.makeDeletingOnRemove(aws)
            try await wiring.upload("landscape.jpg", as: "in/gone.jpg")
            try await wiring.upload("alpha.png", as: "in/kept.png")
            try await wiring.runUntilIdle(after: 3)
            #expect(
                try await wiring.events(count: 2).map(\.type) == [ThumbnailEvent.readyType, ThumbnailEvent.readyType])

            try await aws.s3.deleteObject(bucket: wiring.uploads, key: "in/gone.jpg", logger: Emulator.logger)
            try await wiring.runUntilIdle(after: 1)
            let events = try await wiring.events(count: 1)
            #expect(events.map(\.type) == [ThumbnailEvent.deletedType])
            #expect(events.first?.source.key == "in/gone.jpg")
            #expect(
                events.first?.renditions?.map(\.key)
                    == RunEndToEndTests.renditions.map { "in/gone.jpg-\($0.name).jpeg" })
            #expect(
                try await wiring.keys(in: wiring.thumbnails)
                    == RunEndToEndTests.renditions.map { "in/kept.png-\($0.name).jpeg" }.sorted())
            try await wiring.expectQueuesEmpty()
        }
    }

    @Test(
        "an original removed and uploaded again keeps the new upload's thumbnails, whichever event is handled first",
        arguments: [true, false])
    func reuploadKeepsItsThumbnails(removalFirst: Bool) async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.makeDeletingOnRemove(aws)
            try await wiring.upload("landscape.jpg", as: "again.jpg")
            try await wiring.runUntilIdle(after: 2)

            try await aws.s3.deleteObject(bucket: wiring.uploads, key: "again.jpg", logger: Emulator.logger)
            let (_, eTag) = try await wiring.upload("orientation-6.jpg", as: "again.jpg")
            // S3's two events, taken off the queue and handed to the worker one at a time in the order under test.
            try await wiring.waitForDepth(of: wiring.workQueue, atLeast: 2)
            let bodies = try await wiring.takeMessages(count: 2)
            let removal = try #require(bodies.first { $0.contains("ObjectRemoved:Delete") }, "\(bodies)")
            let creation = try #require(bodies.first { $0.contains("ObjectCreated:Put") }, "\(bodies)")
            for body in removalFirst ? [removal, creation] : [creation, removal] {
                _ = try await aws.sqs.sendMessage(
                    .init(queueURL: wiring.workQueue, body: body), logger: Emulator.logger)
                try await wiring.runUntilIdle(after: 1)
            }

            let types = try await wiring.events(count: 4, polls: 3).map(\.type)
            #expect(!types.contains(ThumbnailEvent.deletedType), "\(types)")
            #expect(
                try await wiring.keys(in: wiring.thumbnails)
                    == RunEndToEndTests.renditions.map { "again.jpg-\($0.name).jpeg" }.sorted())
            for rendition in RunEndToEndTests.renditions {
                let thumbnail = try await aws.s3.headObject(
                    bucket: wiring.thumbnails, key: "again.jpg-\(rendition.name).jpeg", logger: Emulator.logger)
                #expect(
                    thumbnail.userMetadata[ThumbnailMetadata.sourceETagKey]
                        == eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                    "made from the new upload")
            }
            try await wiring.expectQueuesEmpty()
        }
    }

    @Test("with versioning, removing an old version keeps the thumbnails; a delete marker removes them")
    func versionedBucket() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.makeDeletingOnRemove(aws)
            try await aws.enableVersioning(bucket: wiring.uploads)
            let first = try await aws.s3.putObject(
                .init(bucket: wiring.uploads, key: "v.jpg", body: try Testdata.bytes("landscape.jpg")),
                logger: Emulator.logger)
            let oldVersion = try #require(first.versionID, "the bucket is versioned")
            try await wiring.upload("orientation-6.jpg", as: "v.jpg")
            try await wiring.runUntilIdle(after: 3)
            let expected = RunEndToEndTests.renditions.map { "v.jpg-\($0.name).jpeg" }.sorted()
            #expect(try await wiring.keys(in: wiring.thumbnails) == expected)
            _ = try await wiring.events(count: 2)

            try await aws.deleteVersion(bucket: wiring.uploads, key: "v.jpg", versionID: oldVersion)
            try await wiring.runUntilIdle(after: 1)
            #expect(try await wiring.keys(in: wiring.thumbnails) == expected, "the current version's thumbnails stay")
            #expect(try await wiring.events(count: 1, polls: 2).isEmpty, "nothing was deleted, nothing notified")

            try await aws.s3.deleteObject(bucket: wiring.uploads, key: "v.jpg", logger: Emulator.logger)
            try await wiring.runUntilIdle(after: 1)
            #expect(try await wiring.keys(in: wiring.thumbnails).isEmpty, "the delete marker removed them")
            #expect(try await wiring.events(count: 1).map(\.type) == [ThumbnailEvent.deletedType])
            try await wiring.expectQueuesEmpty()
        }
    }
}

extension Wiring {
    /// The end-to-end wiring with the bucket's ObjectRemoved events sent too and `destination.delete_on_remove` on.
    static func makeDeletingOnRemove(_ aws: EmulatorClients) async throws -> Wiring {
        let wiring = try await Wiring.make(aws, notifiesRemovals: true)
        try wiring.editConfiguration(
            replacing: "destination:\n  bucket: \(wiring.thumbnails)\n",
            with: "destination:\n  bucket: \(wiring.thumbnails)\n  delete_on_remove: true\n")
        return wiring
    }

    /// Waits for `count` messages in the work queue, then runs the worker until the queue is empty.
    func runUntilIdle(after count: Int) async throws {
        try await waitForDepth(of: workQueue, atLeast: count)
        try await runUntilIdle()
    }

    /// Receives and deletes messages from the work queue until `count` came or a receive finds none (at most 200
    /// receives); their bodies.
    func takeMessages(count: Int = .max) async throws -> [String] {
        var bodies: [String] = []
        for _ in 0..<200 where bodies.count < count {
            let messages = try await aws.sqs.receiveMessages(
                .init(queueURL: workQueue, maxNumberOfMessages: 10, waitTimeSeconds: 1), logger: Emulator.logger)
            if messages.isEmpty { break }
            bodies += messages.map(\.body)
            _ = try await aws.sqs.deleteMessages(
                queueURL: workQueue,
                entries: messages.enumerated().map {
                    .init(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle)
                },
                logger: Emulator.logger)
        }
        return bodies
    }
}
