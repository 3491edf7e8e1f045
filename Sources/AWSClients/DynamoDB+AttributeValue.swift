import Foundation

extension DynamoDB {
    /// A typed DynamoDB value, written `{"S": "text"}`, `{"N": "42"}` and so on
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html).
    package indirect enum AttributeValue: Sendable, Hashable, Codable {
        /// `S`: a string.
        case string(String)
        /// `N`: a number, kept as its decimal text so no precision is lost.
        case number(String)
        /// `B`: bytes.
        case binary([UInt8])
        /// `BOOL`.
        case bool(Bool)
        /// `NULL`.
        case null
        /// `M`: a map of named values.
        case map([String: AttributeValue])
        /// `L`: a list of values.
        case list([AttributeValue])
        /// `SS`: a set of strings.
        case stringSet([String])
        /// `NS`: a set of numbers.
        case numberSet([String])

        private enum CodingKeys: String, CodingKey {
            case string = "S"
            case number = "N"
            case binary = "B"
            case bool = "BOOL"
            case null = "NULL"
            case map = "M"
            case list = "L"
            case stringSet = "SS"
            case numberSet = "NS"
        }

        /// Reads the one-key object DynamoDB writes; binary values are base64.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard let key = container.allKeys.first, container.allKeys.count == 1 else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "an attribute value has exactly one supported type key"
                    )
                )
            }
            switch key {
            case .string: self = .string(try container.decode(String.self, forKey: key))
            case .number: self = .number(try container.decode(String.self, forKey: key))
            case .binary: self = .binary(Array(try container.decode(Data.self, forKey: key)))
            case .bool: self = .bool(try container.decode(Bool.self, forKey: key))
            case .null: self = .null
            case .map: self = .map(try container.decode([String: AttributeValue].self, forKey: key))
            case .list: self = .list(try container.decode([AttributeValue].self, forKey: key))
            case .stringSet: self = .stringSet(try container.decode([String].self, forKey: key))
            case .numberSet: self = .numberSet(try container.decode([String].self, forKey: key))
            }
        }

        /// Writes the one-key object DynamoDB reads.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .string(let value): try container.encode(value, forKey: .string)
            case .number(let value): try container.encode(value, forKey: .number)
            case .binary(let value): try container.encode(Data(value), forKey: .binary)
            case .bool(let value): try container.encode(value, forKey: .bool)
            case .null: try container.encode(true, forKey: .null)
            case .map(let value): try container.encode(value, forKey: .map)
            case .list(let value): try container.encode(value, forKey: .list)
            case .stringSet(let value): try container.encode(value, forKey: .stringSet)
            case .numberSet(let value): try container.encode(value, forKey: .numberSet)
            }
        }

        /// The text of an `S` value.
        package var stringValue: String? {
            if case .string(let value) = self { value } else { nil }
        }
    }
}
