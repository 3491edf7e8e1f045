package import Foundation

/// Writes S3 event notifications exactly as S3 sends them, for the local backend's `upload` command and `backfill`.
package enum S3EventNotification {
    /// The JSON body of an `ObjectCreated:Put` notification for one object, its key form-encoded as S3 does.
    package static func objectCreated(
        bucket: String, key: String, size: Int, eTag: String?, time: Date, sequencer: String?,
        region: String = "local"
    ) -> String {
        var object: [String: Any] = ["key": formEncoded(key), "size": size]
        object["eTag"] = eTag
        object["sequencer"] = sequencer
        let record: [String: Any] = [
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region, "eventTime": timestamp(time),
            "eventName": "ObjectCreated:Put", "userIdentity": ["principalId": "thumbworker-upload"],
            "s3": [
                "s3SchemaVersion": "1.0", "configurationId": "thumbworker-local",
                "bucket": ["name": bucket, "arn": "arn:aws:s3:::\(bucket)"], "object": object,
            ],
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: ["Records": [record]], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// A sequencer for an event at `time`, ordered as S3's are: 16 hex digits of microseconds since 1970.
    package static func sequencer(at time: Date) -> String {
        String(format: "%016llX", UInt64(time.timeIntervalSince1970 * 1_000_000))
    }

    /// S3's key encoding in notifications: space as `+`, everything but unreserved characters and `/` percent-encoded.
    static func formEncoded(_ key: String) -> String {
        var result = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: " "): result += "+"
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    private static func timestamp(_ time: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: time)
    }
}
