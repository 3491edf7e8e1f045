import Foundation
import TestSupport
import Testing

@testable import SigV4

/// Runs every case of the official SigV4 test suite, once signing into headers and once presigning the URL.
@Suite("AWS SigV4 test suite")
struct AWSTestSuiteTests {
    @Test("all 38 cases of the suite are found")
    func findsEveryCase() throws {
        try #require(AWSTestSuiteCase.root != nil, "no \(Testdata.path("aws-sigv4-test-suite/v4"))")
        #expect(AWSTestSuiteCase.names.count == 38)
    }

    @Test("header signing matches the suite", arguments: AWSTestSuiteCase.names)
    func headerSigning(caseName: String) throws {
        let suiteCase = try AWSTestSuiteCase(name: caseName)
        let (headers, signature) = suiteCase.signer.authorize(
            method: suiteCase.request.method,
            target: try suiteCase.target,
            headers: suiteCase.request.headers,
            payload: .sha256(of: suiteCase.request.body),
            date: try suiteCase.date
        )
        try Self.expectSteps(of: signature, toMatch: suiteCase, signingMode: "header")

        let signedRequest = try RawHTTPRequest(parsing: suiteCase.expected("header-signed-request.txt"))
        let authorization = headers.first { $0.name == "Authorization" }?.value
        #expect(authorization == signedRequest.headers.first { $0.name == "Authorization" }?.value)
        #expect(Self.sortedLowercased(headers) == Self.sortedLowercased(signedRequest.headers))
    }

    @Test("query signing (presigned URL) matches the suite", arguments: AWSTestSuiteCase.names)
    func querySigning(caseName: String) throws {
        let suiteCase = try AWSTestSuiteCase(name: caseName)
        let (query, signature) = suiteCase.signer.presignedQuery(
            method: suiteCase.request.method,
            target: try suiteCase.target,
            headers: suiteCase.request.headers,
            payload: .sha256(of: suiteCase.request.body),
            expiresInSeconds: suiteCase.context.expirationInSeconds,
            date: try suiteCase.date
        )
        try Self.expectSteps(of: signature, toMatch: suiteCase, signingMode: "query")

        let signedRequest = try RawHTTPRequest(parsing: suiteCase.expected("query-signed-request.txt"))
        let expectedQuery = try #require(signedRequest.query)
        #expect(Self.sortedParameters(query) == Self.sortedParameters(expectedQuery))
    }

    /// Compares the canonical request, string to sign and signature with the case's files for `signingMode`
    /// (`header` or `query`).
    private static func expectSteps(
        of signature: SigV4Signer.Signature,
        toMatch suiteCase: AWSTestSuiteCase,
        signingMode: String
    ) throws {
        #expect(signature.canonicalRequest == (try suiteCase.expected("\(signingMode)-canonical-request.txt")))
        #expect(signature.stringToSign == (try suiteCase.expected("\(signingMode)-string-to-sign.txt")))
        #expect(signature.value == (try suiteCase.expected("\(signingMode)-signature.txt")))
    }

    /// Headers with lower-case names, sorted, for comparing header sets whose order the suite leaves open.
    private static func sortedLowercased(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.map { HTTPHeader(name: $0.name.lowercased(), value: $0.value) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// The decoded `name=value` items of a query, sorted, for comparing queries whose order and escaping the suite
    /// leaves open (its signed requests show the UTF-8 parameter name `ሴ` unescaped; we send `%E1%88%B4`).
    private static func sortedParameters(_ query: String) -> [String] {
        CanonicalRequest.parameters(fromQuery: query).map { "\($0.name)=\($0.value)" }.sorted()
    }
}
