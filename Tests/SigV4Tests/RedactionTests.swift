import Foundation
import Testing

@testable import SigV4

/// Secrets and session tokens never show in any text made from a value of this module.
struct RedactionTests {
    /// A secret that must never be printed.
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// A session token that must never be printed.
    static let token = "AQoDYXdzEPT//////////wEXAMPLEtoken"
    /// Temporary credentials holding both.
    static let credentials = Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: secret, sessionToken: token)

    @Test("description and debugDescription show the key id and redact the secret and token")
    func descriptions() {
        let expected = "Credentials(accessKeyID: ASIAEXAMPLE, secretAccessKey: <redacted>, sessionToken: <redacted>)"
        #expect(Self.credentials.description == expected)
        #expect(String(reflecting: Self.credentials) == expected)
        #expect("\(Self.credentials)" == expected)
    }

    @Test("without a token the description says so")
    func descriptionWithoutToken() {
        let credentials = Credentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: Self.secret)
        #expect(
            credentials.description
                == "Credentials(accessKeyID: AKIAEXAMPLE, secretAccessKey: <redacted>, sessionToken: none)")
    }

    @Test("dump and a signer's description redact them too")
    func reflection() {
        var dumped = ""
        dump(Self.credentials, to: &dumped)
        let signer = SigV4Signer(credentials: Self.credentials, service: "s3", region: "us-east-1", options: .s3)
        var dumpedSigner = ""
        dump(signer, to: &dumpedSigner)
        for text in [dumped, dumpedSigner, "\(signer)", String(reflecting: signer)] {
            #expect(text.contains("ASIAEXAMPLE"))
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
        }
    }

    @Test("an error about a URL quotes its path, not a query that may carry a token")
    func errorMessage() throws {
        let url = try #require(URL(string: "/bucket/key?X-Amz-Security-Token=\(Self.token)"))
        let error = #expect(throws: SigV4Error.self) {
            try SigV4Signer(credentials: Self.credentials, service: "s3", region: "us-east-1")
                .signedHeaders(method: "GET", url: url, headers: [], payload: .unsigned, date: .now)
        }
        let description = try #require(error?.description)
        #expect(description.contains("'/bucket/key'"))
        #expect(!description.contains(Self.token))
        #expect(!description.contains(Self.secret))
    }
}
