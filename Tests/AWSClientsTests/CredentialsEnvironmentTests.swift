import SigV4
import Testing

@testable import AWSClients

/// `EnvironmentCredentialProvider` reads an injected environment, never the process's.
struct CredentialsEnvironmentTests {
    @Test("a key pair and session token come from the three variables")
    func fullSet() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "ASIAENVIRONMENT",
            "AWS_SECRET_ACCESS_KEY": TestSecrets.secretAccessKey,
            "AWS_SESSION_TOKEN": TestSecrets.sessionToken,
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID == "ASIAENVIRONMENT")
        #expect(credentials.secretAccessKey == TestSecrets.secretAccessKey)
        #expect(credentials.sessionToken == TestSecrets.sessionToken)
    }

    @Test("the session token is optional and surrounding whitespace is trimmed")
    func withoutToken() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": " AKIAENVIRONMENT\n", "AWS_SECRET_ACCESS_KEY": TestSecrets.secretAccessKey,
            "AWS_SESSION_TOKEN": "",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID == "AKIAENVIRONMENT")
        #expect(credentials.sessionToken == nil)
    }

    @Test("an empty environment says which variable is missing")
    func nothingSet() async {
        let error = await #expect(throws: AWSError.self) {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "  "]).credentials()
        }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message == "AWS_ACCESS_KEY_ID not set")
    }

    @Test(
        "half a key pair is a configuration error that names the missing half",
        arguments: [
            (["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT"], "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
            (
                ["AWS_SECRET_ACCESS_KEY": TestSecrets.secretAccessKey],
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
            ),
        ])
    func halfAPair(environment: [String: String], message: String) async {
        let error = await #expect(throws: AWSError.self) {
            try await EnvironmentCredentialProvider(environment: environment).credentials()
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message == message)
    }
}
