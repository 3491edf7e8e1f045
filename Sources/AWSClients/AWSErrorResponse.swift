import Foundation

/// What an AWS error response says, whatever the protocol: S3's `<Error>`, the query protocol's
/// `<ErrorResponse><Error>`, the JSON protocols' `__type` and `message`, or only headers and a status (HEAD).
struct AWSErrorResponse {
    /// The service's error code without namespace (`NoSuchKey`, `AWS.SimpleQueueService.NonExistentQueue`).
    let code: String
    /// Every name the answer gave the error, `code` first: SQS names it twice (`QueueDoesNotExist` in the body).
    let codes: [String]
    /// The service's explanation, when it gave one.
    let message: String?
    /// The request id from the headers or the body.
    let requestID: String?

    /// Reads the parts from the response.
    init(_ response: AWSHTTPResponse) {
        let body = Self.parseBody(response.body)
        // SQS's JSON protocol names the query-protocol code here, which is what the AWS SDKs report
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html).
        let queryCode = response.header("x-amzn-query-error")?.split(separator: ";").first.map(String.init)
        let named = [queryCode, body.code, response.header("x-amzn-errortype")].compactMap { $0 }.map(
            Self.withoutNamespace)
        codes = named.isEmpty ? [Self.codeForStatus(response.status)] : named
        code = codes[0]
        message = body.message
        requestID = response.requestID ?? body.requestID
    }

    private typealias Parts = (code: String?, message: String?, requestID: String?)

    private static func parseBody(_ body: [UInt8]) -> Parts {
        switch body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
        case UInt8(ascii: "<"): parseXML(body)
        case UInt8(ascii: "{"): parseJSON(body)
        default: (nil, nil, nil)
        }
    }

    private static func parseXML(_ body: [UInt8]) -> Parts {
        guard let root = XMLTree(parsing: body) else { return (nil, nil, nil) }
        let error = root.first("Error") ?? root
        return (
            nonEmpty(error.child("Code")?.text), nonEmpty(error.child("Message")?.text),
            nonEmpty(root.first("RequestId")?.text)
        )
    }

    private struct JSONError: Decodable {
        let type: String?
        let lowerCode: String?
        let upperCode: String?
        let lowerMessage: String?
        let upperMessage: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case lowerCode = "code"
            case upperCode = "Code"
            case lowerMessage = "message"
            case upperMessage = "Message"
        }
    }

    private static func parseJSON(_ body: [UInt8]) -> Parts {
        guard let error = try? JSONDecoder().decode(JSONError.self, from: Data(body)) else { return (nil, nil, nil) }
        return (
            nonEmpty(error.type ?? error.lowerCode ?? error.upperCode),
            nonEmpty(error.lowerMessage ?? error.upperMessage), nil
        )
    }

    /// `com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`; `ValidationException:http://…` → `ValidationException`.
    private static func withoutNamespace(_ code: String) -> String {
        let afterHash = code.split(separator: "#", omittingEmptySubsequences: false).last ?? Substring(code)
        return String(
            afterHash.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? afterHash)
    }

    /// The code for an answer without one (HEAD has no body): named after the status, as the AWS SDKs do.
    private static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "GoneException"
        case 412: "PreconditionFailed"
        case 429: "TooManyRequestsException"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
