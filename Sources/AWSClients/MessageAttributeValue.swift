import Foundation

/// A typed message attribute, as SQS and SNS carry them
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
package struct MessageAttributeValue: Sendable, Hashable, Codable {
    /// `String`, `Number` or `Binary`, optionally with a custom suffix (`Number.float`).
    package var dataType: String
    /// The value of a `String` or `Number` attribute.
    package var stringValue: String?
    /// The value of a `Binary` attribute.
    package var binaryValue: [UInt8]?

    /// Makes an attribute from its parts.
    package init(dataType: String, stringValue: String? = nil, binaryValue: [UInt8]? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// A `String` attribute.
    package static func string(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String", stringValue: value)
    }

    /// A `Number` attribute.
    package static func number(_ value: some Numeric & CustomStringConvertible) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Number", stringValue: value.description)
    }

    /// A `Binary` attribute.
    package static func binary(_ value: [UInt8]) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Binary", binaryValue: value)
    }

    private enum CodingKeys: String, CodingKey {
        case dataType = "DataType"
        case stringValue = "StringValue"
        case binaryValue = "BinaryValue"
    }

    /// Reads the JSON form, where binary values are base64.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataType = try container.decode(String.self, forKey: .dataType)
        stringValue = try container.decodeIfPresent(String.self, forKey: .stringValue)
        binaryValue = try container.decodeIfPresent(Data.self, forKey: .binaryValue).map { Array($0) }
    }

    /// Writes the JSON form, where binary values are base64.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataType, forKey: .dataType)
        try container.encodeIfPresent(stringValue, forKey: .stringValue)
        try container.encodeIfPresent(binaryValue.map { Data($0) }, forKey: .binaryValue)
    }

    /// The query-protocol form fields of the attributes, `PREFIX.entry.N.Name` and `PREFIX.entry.N.Value.*`, sorted by name.
    static func queryParameters(_ attributes: [String: MessageAttributeValue], prefix: String) -> [(
        name: String, value: String
    )] {
        attributes.sorted { $0.key < $1.key }.enumerated().flatMap { index, attribute in
            let entry = "\(prefix).entry.\(index + 1)"
            var fields = [
                (name: "\(entry).Name", value: attribute.key),
                (name: "\(entry).Value.DataType", value: attribute.value.dataType),
            ]
            if let string = attribute.value.stringValue {
                fields.append((name: "\(entry).Value.StringValue", value: string))
            }
            if let binary = attribute.value.binaryValue {
                fields.append((name: "\(entry).Value.BinaryValue", value: Data(binary).base64EncodedString()))
            }
            return fields
        }
    }
}
