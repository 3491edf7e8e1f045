import Foundation
import TestSupport
import Testing

@testable import WorkerCore

/// Parses one fixture from `testdata/events`.
private func parseFixture(_ name: String) throws -> QueueMessageContent {
    try S3EventParser.parse(body: Testdata.text("events/\(name)"))
}

/// A one-record S3 notification whose record has `eventSource`, `eventName` and `eventTime`, and `object` as its `s3.object`.
private func notification(
    object: String = #"{"key": "in/a.jpg"}"#,
    eventSource: String = "aws:s3",
    eventName: String = "ObjectCreated:Put",
    eventTime: String = "2024-05-01T12:34:56Z"
) -> String {
    #"{"Records": [{"eventSource": "\#(eventSource)", "eventName": "\#(eventName)", "eventTime": "\#(eventTime)", "#
        + #""s3": {"bucket": {"name": "photos"}, "object": \#(object)}}]}"#
}

/// Every fixture in testdata/events parsed field by field, the failures' messages, and the key and time decoders.
@Suite("S3EventParser")
struct S3EventParserTests {
    /// A fixture and everything parsing it must give.
    struct Fixture: Sendable, CustomTestStringConvertible {
        /// The file in testdata/events.
        let file: String
        /// The jobs, every field written out.
        var jobs: [ObjectCreatedEvent] = []
        /// The removals, every field written out.
        var removals: [ObjectRemovedEvent] = []
        /// The skip reasons.
        var skipped: [String] = []
        /// The file name, as the test reports it.
        var testDescription: String { file }
    }

    /// The reason an `s3:TestEvent` for the fixtures' bucket is skipped.
    static let testEventSkipped =
        "s3:TestEvent for bucket photos-originals: S3 checking the destination after notifications were configured"

    /// Every fixture that parses, with its expected result.
    static let fixtures = [
        Fixture(
            file: "sns-ministack-put.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "originals", key: "in/my photo é ü+1.jpg", size: 48_213,
                    eTag: "9b2cf535f27731c974343645a3985328",
                    versionID: nil, sequencer: "0006178F2A3C5D9E40", eventName: "ObjectCreated:Put",
                    eventTime: Date(timeIntervalSince1970: 1_714_566_896.789), region: "us-east-1"
                )
            ]),
        Fixture(
            file: "sns-raw-delivery-put.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "photos-eu", key: "uploads/summer holiday/beach (1).jpg", size: 2_097_152,
                    eTag: "5d41402abc4b2a76b9719d911017c592", versionID: "Yh0HwMKtXHmk5ImnZ6dxHyyZ1GsbzT1u",
                    sequencer: "0062E99A88DC407460", eventName: "ObjectCreated:Put",
                    eventTime: Date(timeIntervalSince1970: 1_714_566_896), region: "eu-west-1"
                )
            ]),
        Fixture(
            file: "s3-put.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "photos-originals", key: "HappyFace.jpg", size: 1_024,
                    eTag: "d41d8cd98f00b204e9800998ecf8427e",
                    versionID: nil, sequencer: "0A1B2C3D4E5F678901", eventName: "ObjectCreated:Put",
                    eventTime: Date(timeIntervalSince1970: 1_709_251_199.999), region: "us-west-2"
                )
            ]),
        Fixture(
            file: "s3-two-records.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "photos-originals", key: "gallery/a.png", size: 5, eTag: "b1946ac92492d2347c6235b4d2611184",
                    versionID: nil, sequencer: "00662F2B30A1B2C3D4", eventName: "ObjectCreated:Put",
                    eventTime: Date(timeIntervalSince1970: 1_714_566_896.789), region: "us-west-2"
                ),
                ObjectCreatedEvent(
                    bucket: "photos-originals", key: "gallery/b & c.tif", size: nil,
                    eTag: "4af981f98d22a0b9979da24b259e5e42-12",
                    versionID: nil, sequencer: "00662F2B3EC0FFEE00", eventName: "ObjectCreated:CompleteMultipartUpload",
                    eventTime: Date(timeIntervalSince1970: 1_714_566_910.5), region: "us-west-2"
                ),
            ]),
        Fixture(
            file: "s3-mixed-created-removed.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "photos-originals", key: "in/copy.jpg", size: 734_003,
                    eTag: "0cc175b9c0f1b6a831c399e269772661",
                    versionID: nil, sequencer: "006633476A00000001", eventName: "ObjectCreated:Copy",
                    eventTime: Date(timeIntervalSince1970: 1_714_636_800), region: "us-west-2"
                )
            ],
            removals: [
                ObjectRemovedEvent(
                    bucket: "photos-originals", key: "in/old.jpg", versionID: nil, sequencer: "006633476B00000002",
                    eventName: "ObjectRemoved:Delete", eventTime: Date(timeIntervalSince1970: 1_714_636_801))
            ]
        ),
        Fixture(file: "s3-test-event.json", skipped: [testEventSkipped]),
        Fixture(file: "sns-test-event.json", skipped: [testEventSkipped]),
        Fixture(
            file: "eventbridge-object-created.json",
            jobs: [
                ObjectCreatedEvent(
                    bucket: "photos-originals", key: "in/my photo+1 é.jpg", size: 5,
                    eTag: "b1946ac92492d2347c6235b4d2611184",
                    versionID: "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", sequencer: "617f08299329d189",
                    eventName: "Object Created",
                    eventTime: Date(timeIntervalSince1970: 1_636_675_200), region: "ca-central-1"
                )
            ]),
    ]

    @Test("every fixture gives its jobs and removals field by field and its skip reasons", arguments: fixtures)
    func parsesFixture(fixture: Fixture) throws {
        let content = try parseFixture(fixture.file)
        #expect(content.jobs == fixture.jobs)
        #expect(content.removals == fixture.removals)
        #expect(content.skipped == fixture.skipped)
    }

    @Test(
        "bodies that are not S3 events fail permanently with a message naming the problem",
        arguments: [
            ("not-json.txt", "the message body is not JSON: 'please make thumbnails of in/photo.jpg'"),
            (
                "other-shape.json",
                "the message body is JSON but not an S3 event notification, SNS notification or EventBridge event (its fields: items, orderId, status)"
            ),
            (
                "sns-non-s3-message.json",
                "SNS notification from arn:aws:sns:us-west-2:123456789012:photo-uploads: Message is not JSON: 'Deploy finished: thumbworker 1.4.2 is live in us-west-2'"
            ),
            ("s3-missing-key.json", "Records[0].s3.object.key is missing"),
            (
                "s3-malformed-key.json",
                "Records[0].s3.object.key 'in/100%zz+off.jpg' is not form-encoded UTF-8: each % must start a two-hex-digit escape"
            ),
        ])
    func unusableFixture(fixture: String, message: String) throws {
        let error = #expect(throws: EventParseError.self) { try parseFixture(fixture) }
        #expect(error?.message == message)
    }

    @Test("a body nested deeper than any event is refused before it is decoded; brackets in strings do not count")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        let error = #expect(throws: EventParseError.self) {
            try S3EventParser.parse(body: notification(object: #"{"key": "a.jpg", "x": \#(deep)}"#))
        }
        #expect(
            error?.message
                == "the message body nests JSON more than 32 levels deep, so it is no S3, SNS or EventBridge event "
                + "(they nest 6 at most)")
        let nested = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        let brackets = String(repeating: "[{", count: 100)
        let content = try S3EventParser.parse(body: notification(object: #"{"key": "\#(brackets)", "x": \#(nested)}"#))
        #expect(content.jobs.map(\.key) == [brackets])
        #expect(S3EventParser.nestingDepth(Array(#"{"a": "\"[[", "b": [{}]}"#.utf8)) == 3)
    }

    @Test(
        "malformed bodies and wrong types fail with a message naming the field, never crash",
        arguments: [
            ("", "the message body is empty"),
            ("[1, 2]", "the message body is an array, not a JSON object"),
            (#"{"Records": "none"}"#, "Records is a string ('none'), not an array"),
            (#"{"Records": []}"#, "Records is empty"),
            (#"{"Records": [42]}"#, "Records[0] is a number (42), not an object"),
            (#"{"Records": [{"eventSource": "aws:s3", "s3": {}}]}"#, "Records[0].eventName is missing"),
            (#"{"Records": [{"eventName": "ObjectCreated:Put"}]}"#, "Records[0].eventSource is missing"),
            (
                #"{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"object": {"key": "a.jpg"}}}]}"#,
                "Records[0].s3.bucket is missing"
            ),
            (
                #"{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": 7}, "object": {"key": "a.jpg"}}}]}"#,
                "Records[0].s3.bucket.name is a number (7), not a string"
            ),
            (notification(object: #"{"key": ""}"#), "Records[0].s3.object.key is empty"),
            (notification(object: #"{"key": null}"#), "Records[0].s3.object.key is missing"),
            (
                notification(object: #"{"key": "a.jpg", "size": "12 kB"}"#),
                "Records[0].s3.object.size is a string ('12 kB'), not a byte count"
            ),
            (
                notification(object: #"{"key": "a.jpg", "size": -1}"#),
                "Records[0].s3.object.size is a number (-1), not a byte count"
            ),
            (
                notification(object: #"{"key": "a.jpg", "size": 1.5}"#),
                "Records[0].s3.object.size is a number (1.5), not a byte count"
            ),
            (
                notification(object: #"{"key": "a.jpg", "size": true}"#),
                "Records[0].s3.object.size is true, not a byte count"
            ),
            (
                notification(object: #"{"key": "a.jpg", "eTag": 12}"#),
                "Records[0].s3.object.eTag is a number (12), not a string"
            ),
            (
                notification(eventTime: "yesterday"),
                "Records[0].eventTime is 'yesterday', not a time like 2024-05-01T12:34:56.789Z"
            ),
            (
                #"{"Service": "Amazon S3", "Event": "s3:ObjectCreated:Put"}"#,
                "Event is 's3:ObjectCreated:Put', but the only S3 event without Records is s3:TestEvent"
            ),
            (
                #"{"Type": "SubscriptionConfirmation", "TopicArn": "arn:aws:sns:us-west-2:123456789012:t", "Message": "confirm"}"#,
                "SNS SubscriptionConfirmation message from arn:aws:sns:us-west-2:123456789012:t carries no S3 event"
            ),
            (
                #"{"Type": "Notification", "TopicArn": "arn:aws:sns:us-west-2:123456789012:t", "Message": {"Records": []}}"#,
                "SNS notification from arn:aws:sns:us-west-2:123456789012:t: Message is an object, not a string"
            ),
            (
                #"{"Type": "Notification", "TopicArn": "arn:aws:sns:us-west-2:123456789012:t"}"#,
                "SNS notification from arn:aws:sns:us-west-2:123456789012:t: Message is missing"
            ),
            (
                #"{"Type": "Notification", "TopicArn": "arn:aws:sns:us-west-2:123456789012:t", "Message": "{\"Type\": \"Notification\", \"TopicArn\": \"x\"}"}"#,
                "SNS notification from arn:aws:sns:us-west-2:123456789012:t: Message is another SNS envelope"
            ),
            (
                #"{"Type": "Notification", "TopicArn": "arn:aws:sns:us-west-2:123456789012:t", "Message": "{\"Records\": [{\"eventSource\": \"aws:s3\"}]}"}"#,
                "SNS notification from arn:aws:sns:us-west-2:123456789012:t: Records[0].eventName is missing"
            ),
            (
                #"{"source": "aws.s3", "detail-type": "Object Created", "detail": {"bucket": {"name": "photos"}, "object": {}}}"#,
                "detail.object.key is missing"
            ),
        ])
    func unusableBody(body: String, message: String) {
        let error = #expect(throws: EventParseError.self) { try S3EventParser.parse(body: body) }
        #expect(error?.message == message)
    }

    @Test("optional fields may be absent or null; a size in a string of digits is accepted")
    func tolerantOptionalFields() throws {
        let content = try S3EventParser.parse(
            body: notification(
                object: #"{"key": "a.jpg", "size": "1024", "eTag": null, "versionId": null, "sequencer": null}"#
            ))
        #expect(
            content.jobs == [
                ObjectCreatedEvent(
                    bucket: "photos", key: "a.jpg", size: 1_024, eTag: nil, versionID: nil, sequencer: nil,
                    eventName: "ObjectCreated:Put", eventTime: Date(timeIntervalSince1970: 1_714_566_896), region: nil
                )
            ])
    }

    @Test("records from another eventSource are skipped, not failed")
    func otherEventSource() throws {
        let content = try S3EventParser.parse(
            body: notification(eventSource: "minio:s3", eventName: "s3:ObjectCreated:Put"))
        #expect(content.jobs.isEmpty)
        #expect(content.skipped == ["Records[0]: eventSource 'minio:s3' is not aws:s3"])
    }

    @Test(
        "EventBridge events that are not S3 object creations are skipped with a reason",
        arguments: [
            (
                #"{"source": "aws.s3", "detail-type": "Object Deleted", "detail": {}}"#,
                "EventBridge Object Deleted event does not create an object"
            ),
            (
                #"{"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification", "detail": {}}"#,
                "EventBridge event from 'aws.ec2' (EC2 Instance State-change Notification) is not from aws.s3"
            ),
        ])
    func eventBridgeSkipped(body: String, reason: String) throws {
        let content = try S3EventParser.parse(body: body)
        #expect(content.jobs.isEmpty)
        #expect(content.skipped == [reason])
    }

    @Test(
        "notification keys are form-decoded: + is a space, then %XX escapes are UTF-8 bytes",
        arguments: [
            ("in/my+photo+%C3%A9+%C3%BC%2B1.jpg", "in/my photo é ü+1.jpg"),
            ("a+b", "a b"),
            ("%2B", "+"),
            ("%2B%2B+", "++ "),
            ("a%2Fb/c%2fd", "a/b/c/d"),
            ("in/a%20b.jpg", "in/a b.jpg"),
            ("%e2%82%ac.png", "€.png"),
            ("100%25.jpg", "100%.jpg"),
            ("plain/key-1_2.3~x.jpg", "plain/key-1_2.3~x.jpg"),
            ("raw é/日本.jpg", "raw é/日本.jpg"),
        ])
    func keyDecoding(encoded: String, decoded: String) {
        #expect(S3EventParser.decodeFormEncodedKey(encoded) == decoded)
    }

    @Test(
        "malformed percent escapes and bytes that are not UTF-8 are rejected",
        arguments: [
            "%zz", "in/100%zz.jpg", "trailing%", "trailing%4", "%g1", "%C3", "%FF.jpg", "%C3%28",
        ])
    func malformedKey(encoded: String) {
        #expect(S3EventParser.decodeFormEncodedKey(encoded) == nil)
    }

    @Test(
        "event times are read as UTC, with or without Z and fraction",
        arguments: [
            ("2024-05-01T12:34:56.789Z", 1_714_566_896.789),
            ("2024-05-01T12:34:56Z", 1_714_566_896),
            ("2024-05-01T12:34:56.789", 1_714_566_896.789),
            ("2024-05-01T12:34:56", 1_714_566_896),
            ("2024-05-01T12:34:56.123456Z", 1_714_566_896.123456),
            ("2024-02-29T23:59:59.999Z", 1_709_251_199.999),
            ("2000-03-01T00:00:00Z", 951_868_800),
            ("1999-12-31T23:59:59Z", 946_684_799),
            ("1970-01-01T00:00:00.000Z", 0),
            ("2100-03-01T00:00:00Z", 4_107_542_400),
        ])
    func eventTime(text: String, secondsSince1970: Double) {
        #expect(S3EventParser.parseEventTime(text) == Date(timeIntervalSince1970: secondsSince1970))
    }

    @Test(
        "text that is not such a time is rejected",
        arguments: [
            "", "yesterday", "2024-05-01", "2024-05-01 12:34:56Z", "2024-05-01T12:34:56.Z", "2024-05-01T12:34:56+02:00",
            "2024-05-01T12:34:5xZ", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z",
            "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:34:56ZZ", "２０２４-05-01T12:34:56Z",
        ])
    func malformedEventTime(text: String) {
        #expect(S3EventParser.parseEventTime(text) == nil)
    }
}

@Suite("Events the local upload command writes")
struct S3EventNotificationTests {
    @Test(
        "what upload writes, the parser reads back exactly",
        arguments: ["photo.jpg", "in/my photo é ü+1 ~()!*'%.jpg", "a/b/c d.png"])
    func roundTrip(_ key: String) throws {
        let time = Date(timeIntervalSince1970: 1_764_000_000.5)
        let body = S3EventNotification.objectCreated(
            bucket: "uploads", key: key, size: 1234, eTag: "abc123", time: time,
            sequencer: S3EventNotification.sequencer(at: time))
        let content = try S3EventParser.parse(body: body)
        let job = try #require(content.jobs.first)
        #expect(content.jobs.count == 1 && content.skipped.isEmpty)
        #expect(job.bucket == "uploads" && job.key == key && job.size == 1234 && job.eTag == "abc123")
        #expect(job.eventName == "ObjectCreated:Put" && job.eventTime == time)
        #expect(job.sequencer == S3EventNotification.sequencer(at: time))
        let withoutSequencer = S3EventNotification.objectCreated(
            bucket: "uploads", key: key, size: 1, eTag: nil, time: time, sequencer: nil)
        #expect(try S3EventParser.parse(body: withoutSequencer).jobs.first?.sequencer == nil)
    }
}
