import Foundation

/// Turns an SQS message body into the object-created jobs it carries.
///
/// Understands S3 event notifications sent straight to the queue or through SNS (with or without raw message
/// delivery), S3 events routed through EventBridge, and the `s3:TestEvent` S3 sends when notifications are
/// configured. The shapes come from "Event message structure"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
/// "HTTP/HTTPS notification JSON format" (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html)
/// and "EventBridge event message structure" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
package enum S3EventParser {
    /// Reads one message body: the jobs it asks for and what it carries that needs no work.
    package static func parse(body: String) throws(EventParseError) -> QueueMessageContent {
        let root = try topLevelObject(body, describedAs: "the message body")
        guard isSNSEnvelope(root) else { return try parseEvent(root, describedAs: "the message body") }
        return try parseSNSNotification(root)
    }

    /// Whether the object is an SNS envelope rather than the event itself.
    private static func isSNSEnvelope(_ object: JSONObject) -> Bool {
        object.contains("Type") && object.contains("TopicArn")
    }

    /// Reads the event in an SNS notification's `Message`; errors name the topic it came from.
    private static func parseSNSNotification(_ envelope: JSONObject) throws(EventParseError) -> QueueMessageContent {
        let topic = try envelope.string("TopicArn")
        let type = try envelope.string("Type")
        guard type == "Notification" else {
            throw EventParseError("SNS \(type) message from \(topic) carries no S3 event")
        }
        do throws(EventParseError) {
            let message = try topLevelObject(try envelope.string("Message"), describedAs: "Message")
            guard !isSNSEnvelope(message) else { throw EventParseError("Message is another SNS envelope") }
            return try parseEvent(message, describedAs: "Message")
        } catch {
            throw EventParseError("SNS notification from \(topic): \(error.message)")
        }
    }

    /// Reads an event that is not wrapped in SNS, telling the kinds apart by their top-level fields.
    private static func parseEvent(_ event: JSONObject, describedAs name: String) throws(EventParseError)
        -> QueueMessageContent
    {
        if event.contains("Records") { return try parseNotification(event) }
        if event.contains("Event") { return try parseTestEvent(event) }
        if event.contains("detail-type") { return try parseEventBridgeEvent(event) }
        let fields = event.fieldNames.isEmpty ? "none" : event.fieldNames.prefix(10).joined(separator: ", ")
        throw EventParseError(
            "\(name) is JSON but not an S3 event notification, SNS notification or EventBridge event (its fields: \(fields))"
        )
    }

    /// Acknowledges the `s3:TestEvent` S3 sends to check a destination when notifications are configured.
    private static func parseTestEvent(_ event: JSONObject) throws(EventParseError) -> QueueMessageContent {
        let name = try event.string("Event")
        guard name == "s3:TestEvent" else {
            throw EventParseError("Event is \(name.excerpt), but the only S3 event without Records is s3:TestEvent")
        }
        let bucket = try event.optionalString("Bucket") ?? "(none named)"
        return QueueMessageContent(skipped: [
            "s3:TestEvent for bucket \(bucket): S3 checking the destination after notifications were configured"
        ])
    }

    /// One decoder for every message body and SNS `Message`.
    private static let decoder = JSONDecoder()

    /// Parses the body or `Message` text as a JSON object.
    private static func topLevelObject(_ text: String, describedAs name: String) throws(EventParseError) -> JSONObject {
        guard nestingDepth(text.utf8) <= maxNesting else {
            throw EventParseError(
                "\(name) nests JSON more than \(maxNesting) levels deep, so it is no S3, SNS or EventBridge event "
                    + "(they nest 6 at most)")
        }
        let value: JSONValue
        do {
            value = try Self.decoder.decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw EventParseError(text.isEmpty ? "\(name) is empty" : "\(name) is not JSON: \(text.excerpt)")
        }
        guard let object = JSONObject(value, path: "") else {
            throw EventParseError("\(name) is \(value.summary), not a JSON object")
        }
        return object
    }

    /// The deepest nesting a body may have: events nest 6 levels at most; decoding cost grows with the square of the
    /// depth, so a small body nested hundreds deep would cost seconds.
    static let maxNesting = 32

    /// How deep arrays and objects nest in JSON `bytes`, brackets inside strings not counted; stops counting past
    /// `maxNesting`.
    static func nestingDepth(_ bytes: some Sequence<UInt8>) -> Int {
        var (depth, deepest, inString, escaped) = (0, 0, false, false)
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > maxNesting { return deepest }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// An entity tag without the quotes HTTP puts around it; nil when absent or empty.
    static func unquoted(_ eTag: String?) -> String? {
        guard var eTag else { return nil }
        if eTag.count >= 2, eTag.hasPrefix("\""), eTag.hasSuffix("\"") {
            eTag = String(eTag.dropFirst().dropLast())
        }
        return eTag.isEmpty ? nil : eTag
    }

    /// An optional event time field read as UTC; a value that is not such a time is an error.
    static func eventTime(_ name: String, in object: JSONObject) throws(EventParseError) -> Date? {
        guard let text = try object.optionalString(name) else { return nil }
        guard let time = parseEventTime(text) else {
            throw EventParseError(
                "\(object.path(of: name)) is \(text.excerpt), not a time like 2024-05-01T12:34:56.789Z")
        }
        return time
    }
}
