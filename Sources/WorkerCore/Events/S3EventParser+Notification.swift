extension S3EventParser {
    /// Reads an S3 event notification (`{"Records": [...]}`): one job per object-created record, one removal per
    /// object-removed one.
    ///
    /// Records from another `eventSource` or of another event type are skipped with a reason; a record that is
    /// malformed fails the whole message, since the same body would fail again on every delivery.
    static func parseNotification(_ notification: JSONObject) throws(EventParseError) -> QueueMessageContent {
        let records = try notification.array("Records")
        guard !records.isEmpty else { throw EventParseError("Records is empty") }
        var content = QueueMessageContent()
        for (index, value) in records.enumerated() {
            let path = "Records[\(index)]"
            guard let record = JSONObject(value, path: path) else {
                throw EventParseError("\(path) is \(value.summary), not an object")
            }
            let source = try record.string("eventSource")
            guard source == "aws:s3" else {
                content.skipped.append("\(path): eventSource \(source.excerpt) is not aws:s3")
                continue
            }
            let name = try record.string("eventName")
            if name.hasPrefix("ObjectCreated:") {
                content.jobs.append(try objectCreated(record, eventName: name))
            } else if name == "ObjectRemoved:Delete" || name == "ObjectRemoved:DeleteMarkerCreated" {
                content.removals.append(try objectRemoved(record, eventName: name))
            } else {
                content.skipped.append("\(path): \(name) neither creates nor removes an object")
            }
        }
        return content
    }

    /// The job one `ObjectCreated:*` record describes, its key form-decoded.
    private static func objectCreated(_ record: JSONObject, eventName: String) throws(EventParseError)
        -> ObjectCreatedEvent
    {
        let (s3, object, key) = try objectParts(record)
        return ObjectCreatedEvent(
            bucket: try s3.object("bucket").string("name"),
            key: key,
            size: try object.optionalByteCount("size"),
            eTag: unquoted(try object.optionalString("eTag")),
            versionID: try object.optionalString("versionId"),
            sequencer: try object.optionalString("sequencer"),
            eventName: eventName,
            eventTime: try eventTime("eventTime", in: record),
            region: try record.optionalString("awsRegion")
        )
    }

    /// The removal one `ObjectRemoved:*` record describes, its key form-decoded.
    private static func objectRemoved(_ record: JSONObject, eventName: String) throws(EventParseError)
        -> ObjectRemovedEvent
    {
        let (s3, object, key) = try objectParts(record)
        return ObjectRemovedEvent(
            bucket: try s3.object("bucket").string("name"), key: key, versionID: try object.optionalString("versionId"),
            sequencer: try object.optionalString("sequencer"), eventName: eventName,
            eventTime: try eventTime("eventTime", in: record))
    }

    /// A record's `s3` and `s3.object`, and the object's key form-decoded.
    private static func objectParts(_ record: JSONObject) throws(EventParseError) -> (
        s3: JSONObject, object: JSONObject, key: String
    ) {
        let s3 = try record.object("s3")
        let object = try s3.object("object")
        let encodedKey = try object.string("key")
        guard let key = decodeFormEncodedKey(encodedKey) else {
            throw EventParseError(
                "\(object.path(of: "key")) \(encodedKey.excerpt) is not form-encoded UTF-8: each % must start a two-hex-digit escape"
            )
        }
        return (s3, object, key)
    }
}
