import Foundation
import TestSupport
import Testing

@testable import WorkerCore

/// A JSON document as the mutations rewrite it: members keep their order and may repeat a name, and numbers keep
/// their text, so a mutation can write what no encoder would (`1e400`, a key given twice).
private indirect enum JSON {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([(name: String, value: JSON)])

    /// The document in `text`, members sorted by name so a seed replays whatever the dictionary order; nil if not JSON.
    init?(parsing text: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
        self.init(value)
    }

    /// The same value as the parser's own JSON type reads it.
    private init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(Int(exactly: value).map(String.init) ?? "\(value)")
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map { JSON($0) })
        case .object(let fields): self = .object(fields.sorted { $0.key < $1.key }.map { ($0.key, JSON($0.value)) })
        }
    }

    /// The document as JSON text.
    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let text): text
        case .string(let value): Self.quoted(value)
        case .array(let elements): "[" + elements.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.map { Self.quoted($0.name) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func quoted(_ value: String) -> String {
        var literal = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"", "\\": literal += "\\" + String(scalar)
            case _ where scalar.value < 0x20: literal += String(format: "\\u%04x", scalar.value)
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }

    /// A step from a value to one inside it.
    enum Step {
        /// The nth member of an object.
        case member(Int)
        /// The nth element of an array.
        case element(Int)
        /// The document in a string that holds JSON, like an SNS envelope's `Message`.
        case embedded
    }

    /// A value in a document: the way to it, the name of the member it is (or is an element of), and the value.
    typealias Node = (path: [Step], name: String?, value: JSON)

    /// This value and every value inside it, depth first, including the documents in strings that hold JSON.
    func nodes(path: [Step] = [], name: String? = nil) -> [Node] {
        var nodes: [Node] = [(path, name, self)]
        switch self {
        case .object(let members):
            for (index, member) in members.enumerated() {
                nodes += member.value.nodes(path: path + [.member(index)], name: member.name)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                nodes += element.nodes(path: path + [.element(index)], name: name)
            }
        case .string(let text) where text.hasPrefix("{"):
            nodes += JSON(parsing: text)?.nodes(path: path + [.embedded], name: name) ?? []
        default:
            break
        }
        return nodes
    }

    /// This value with the one at `path` replaced by what `transform` makes of it.
    func replacing(at path: ArraySlice<Step>, _ transform: (JSON) -> JSON) -> JSON {
        guard let step = path.first else { return transform(self) }
        switch (step, self) {
        case (.member(let index), .object(var members)):
            members[index].value = members[index].value.replacing(at: path.dropFirst(), transform)
            return .object(members)
        case (.element(let index), .array(var elements)):
            elements[index] = elements[index].replacing(at: path.dropFirst(), transform)
            return .array(elements)
        case (.embedded, .string(let text)):
            return JSON(parsing: text).map { .string($0.replacing(at: path.dropFirst(), transform).text) } ?? self
        default:
            return self
        }
    }
}

/// A change that knows JSON, made at one value of a document that it applies to.
private enum JSONMutation: String, CaseIterable {
    case deleteMember = "a member deleted"
    case repeatMember = "a member repeated"
    case changeType = "a value of another type"
    case hugeString = "a huge string"
    case deepNesting = "deep nesting"
    case oddObjectKey = "unicode, percent escapes or '+' in an S3 object key"
    case numberOutOfRange = "a number out of range"
    case repeatElement = "an array element repeated"
    case emptyArray = "an empty array"

    /// Pieces spliced into S3 object keys: escapes good and bad, '+', non-ASCII, controls.
    private static let keyPieces = [
        "%", "%z", "%zz", "%C3", "%C3%28", "%00", "%2B", "%25", "%E2%80%AE", "+", "++", "é", "😀", "\u{0}", "\u{202E}",
        "\n", " ", "..", "/",
    ]
    /// Numbers the parser must refuse or read without trapping.
    private static let oddNumbers = [
        "1e400", "-1e400", "-1", "1.5", "-0", "1e-400", "9223372036854775808", "18446744073709551616",
        "123456789012345678901234567890", "4.9e-324",
    ]
    /// Values of every JSON type.
    private static let typeChanges: [JSON] = [.null, .bool(true), .number("0"), .string(""), .array([]), .object([])]

    /// Whether this mutation can be made at `node`.
    func applies(to node: JSON.Node) -> Bool {
        switch (self, node.value) {
        case (.deleteMember, .object(let members)), (.repeatMember, .object(let members)): !members.isEmpty
        case (.changeType, _): !node.path.isEmpty
        case (.hugeString, .string), (.deepNesting, _): true
        case (.oddObjectKey, .string): node.name == "key"
        case (.numberOutOfRange, .number): true
        case (.repeatElement, .array(let elements)): !elements.isEmpty
        case (.emptyArray, .array): true
        default: false
        }
    }

    /// `value` changed by this mutation, which must apply to it.
    func apply(to value: JSON, using random: inout FuzzRandom) -> JSON {
        switch (self, value) {
        case (.deleteMember, .object(var members)):
            members.remove(at: random.index(below: members.count))
            return .object(members)
        case (.repeatMember, .object(var members)):
            let member = random.element(of: members)
            members.append((member.name, random.element(of: Self.typeChanges + [member.value])))
            return .object(members)
        case (.hugeString, _):
            return .string(String(repeating: random.element(of: ["a", "é", "%", "\\", "\""]), count: 300_000))
        case (.deepNesting, _):
            let wrapped: (JSON) -> JSON = random.oneIn(2) ? { JSON.array([$0]) } : { JSON.object([("a", $0)]) }
            return (0..<random.int(in: 1...600)).reduce(value) { inner, _ in wrapped(inner) }
        case (.oddObjectKey, .string(var key)):
            for _ in 0..<random.int(in: 1...4) {
                key.insert(
                    contentsOf: random.element(of: Self.keyPieces),
                    at: key.index(key.startIndex, offsetBy: random.int(in: 0...key.count)))
            }
            return .string(key)
        case (.numberOutOfRange, _):
            return .number(random.element(of: Self.oddNumbers))
        case (.repeatElement, .array(var elements)):
            let element = random.element(of: elements)
            elements += Array(repeating: element, count: random.int(in: 1...300))
            return .array(elements)
        case (.emptyArray, _):
            return .array([])
        case (.changeType, _):
            return random.element(of: Self.typeChanges)
        default:
            return value
        }
    }
}

@Suite("Fuzzing the event parser: a mangled body parses or is refused with one line, never a crash")
struct EventParserFuzzTests {
    /// The fixtures that parse, one of every kind of body.
    static let seedFiles = [
        "s3-put.json", "s3-two-records.json", "s3-mixed-created-removed.json", "s3-test-event.json",
        "sns-ministack-put.json", "sns-raw-delivery-put.json", "sns-test-event.json", "eventbridge-object-created.json",
    ]

    /// The parser's result as a fuzz outcome; a skip reason, written to the log, must be one line too.
    static func outcome(of body: String) -> FuzzOutcome {
        do throws(EventParseError) {
            let content = try S3EventParser.parse(body: body)
            if let reason = content.skipped.first(where: { $0.isEmpty || $0.contains(where: \.isNewline) }) {
                return .wrong("a skip reason is empty or not one line: \(reason)")
            }
            return .accepted
        } catch {
            return .refused(code: nil, message: error.message)
        }
    }

    @Test("300 seeded mutations of the event fixtures, JSON-aware and byte by byte")
    func mutatedBodies() throws {
        var run = try FuzzRun("event parser", accepted: "parsed", defaultSeed: 0x5EED_0012)
        let seeds = try Self.seedFiles.map { name in
            let text = try Testdata.text("events/\(name)")
            return (name: name, text: text, document: try #require(JSON(parsing: text), "\(name) is not JSON"))
        }
        for index in 0..<300 {
            let seed = run.random.element(of: seeds)
            let (body, label) = Self.mutate(seed.text, document: seed.document, named: seed.name, using: &run.random)
            run.measure(Array(body.utf8), index: index, label: label) { Self.outcome(of: body) }
        }
        print(run.finish())
    }

    /// `text` (which holds `document`) changed once, by a JSON-aware mutation at a value it applies to or by a byte
    /// mutation, each drawn alike; and what was done to it.
    private static func mutate(
        _ text: String, document: JSON, named name: String, using random: inout FuzzRandom
    ) -> (String, String) {
        let nodes = document.nodes()
        let applicable = JSONMutation.allCases.filter { mutation in nodes.contains { mutation.applies(to: $0) } }
        let pick = random.index(below: applicable.count + ByteMutation.allCases.count)
        guard pick < applicable.count else {
            let mutation = ByteMutation.allCases[pick - applicable.count]
            let bytes = mutation.apply(to: Array(text.utf8), using: &random)
            return (String(decoding: bytes, as: UTF8.self), "\(mutation.rawValue) in \(name)")
        }
        let mutation = applicable[pick]
        let target = random.element(of: nodes.filter { mutation.applies(to: $0) })
        let mutated = document.replacing(at: target.path[...]) { mutation.apply(to: $0, using: &random) }
        return (mutated.text, "\(mutation.rawValue) in \(name)")
    }
}
