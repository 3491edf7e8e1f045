import AppCore
import Foundation
package import Hummingbird
import NIOCore
import WorkerCore

/// JSON answers: items, pages with their opaque `nextKey`, and errors with every problem listed.
enum JSONResponse {
    /// `value` as JSON with `status`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoded(value))))
    }

    /// `value` as the API writes JSON: ISO 8601 dates, sorted keys, slashes as they are.
    static func encoded(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// A page of items: `{"items": [...], "nextKey": "…"}`, `nextKey` absent on the last page.
    static func page<Item: Encodable & Sendable>(_ page: CatalogPage<Item>) throws -> Response {
        try make(ListedPage(items: page.items, nextKey: page.nextAfter.map(PageRequest.token)))
    }

    /// `{"error": {"code", "message", "problems"}}` with the error's status.
    static func error(_ error: AppError) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                let code: String
                let message: String
                let problems: [String]?
            }
            let error: Detail
        }
        let body = Body(
            error: .init(
                code: error.code.description, message: error.message,
                problems: error.problems.isEmpty ? nil : error.problems))
        let status = HTTPResponse.Status(code: error.code.status)
        return (try? make(body, status: status)) ?? Response(status: status)
    }
}

/// A list route's answer.
private struct ListedPage<Item: Encodable>: Encodable {
    /// The page's items.
    let items: [Item]
    /// Where the next page starts; absent on the last.
    let nextKey: String?
}

/// The `limit` and `nextKey` query parameters of a list route.
enum PageRequest {
    /// The page size when none is asked for.
    static let defaultLimit = 20
    /// The largest page size.
    static let largestLimit = 100

    /// The limit (default 20, 1 to 100) and the id to list after (from `nextKey`); a bad value is a 400.
    static func read(_ request: Request) throws(AppError) -> (limit: Int, after: String?) {
        let query = request.uri.queryParameters
        var limit = defaultLimit
        if let text = query.get("limit") {
            guard let value = Int(text), (1...largestLimit).contains(value) else {
                throw AppError(.invalidRequest, "limit \(text) is not a whole number from 1 to \(largestLimit)")
            }
            limit = value
        }
        guard let token = query.get("nextKey") else { return (limit, nil) }
        guard let after = id(fromToken: token) else {
            throw AppError(
                .invalidRequest, "nextKey \(token) is not one this API gave; pass the nextKey of a page as is")
        }
        return (limit, after)
    }

    /// The opaque `nextKey` for a page that ends at the id `after`: base64url, no padding.
    static func token(_ after: String) -> String {
        Base64URL.encode(Data(after.utf8))
    }

    /// The id a `nextKey` stands for; nil when it is not one `token` made.
    private static func id(fromToken token: String) -> String? {
        guard let data = Base64URL.decode(token), let id = String(data: data, encoding: .utf8),
            ItemIDs.isWellFormed(id)
        else { return nil }
        return id
    }
}

/// A JSON request body, checked against its schema before it is decoded.
enum RequestBody {
    /// The largest body the API reads.
    static let largestBytes = 64 * 1024

    /// Reads the body, lists every schema violation in one 400, then decodes it as `type`.
    static func read<Body: Decodable>(_ request: Request, as type: Body.Type, schema: JSONSchema) async throws -> Body {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            throw AppError(.invalidRequest, "send the body as JSON with Content-Type: application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: largestBytes)
        } catch {
            throw AppError(.tooLarge, "the body is over \(largestBytes) bytes")
        }
        let bytes = Data(buffer.readableBytesView)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            throw AppError(.invalidRequest, "the body is not JSON")
        }
        let problems = schema.problems(in: value)
        guard problems.isEmpty else {
            throw AppError(.invalidRequest, "the body does not match the schema", problems: problems)
        }
        return try JSONDecoder().decode(type, from: bytes)
    }
}
