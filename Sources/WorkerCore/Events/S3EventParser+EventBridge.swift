extension S3EventParser {
    /// Reads an S3 event routed through EventBridge: one job for `Object Created`, a skip for anything else.
    ///
    /// Unlike S3 notifications, EventBridge events carry the object key as is, not form-encoded
    /// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
    static func parseEventBridgeEvent(_ event: JSONObject) throws(EventParseError) -> QueueMessageContent {
        let source = try event.string("source")
        let detailType = try event.string("detail-type")
        guard source == "aws.s3" else {
            return QueueMessageContent(skipped: [
                "EventBridge event from \(source.excerpt) (\(detailType)) is not from aws.s3"
            ])
        }
        guard detailType == "Object Created" else {
            return QueueMessageContent(skipped: ["EventBridge \(detailType) event does not create an object"])
        }
        let detail = try event.object("detail")
        let object = try detail.object("object")
        let job = ObjectCreatedEvent(
            bucket: try detail.object("bucket").string("name"),
            key: try object.string("key"),
            size: try object.optionalByteCount("size"),
            eTag: unquoted(try object.optionalString("etag")),
            versionID: try object.optionalString("version-id"),
            sequencer: try object.optionalString("sequencer"),
            eventName: detailType,
            eventTime: try eventTime("time", in: event),
            region: try event.optionalString("region")
        )
        return QueueMessageContent(jobs: [job])
    }
}
