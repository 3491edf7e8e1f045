import Foundation
import SigV4

/// The JSON the ECS/EKS container endpoint and EC2 instance metadata return for a role's credentials.
///
/// `{"AccessKeyId": …, "SecretAccessKey": …, "Token": …, "Expiration": "2026-02-25T06:03:31Z"}`, plus `"Code": "Success"`
/// from instance metadata (https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html).
struct CredentialDocument: Decodable {
    private enum CodingKeys: String, CodingKey {
        case accessKeyID = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
        case token = "Token"
        case expiration = "Expiration"
        case code = "Code"
    }

    private let accessKeyID: String
    private let secretAccessKey: String
    private let token: String
    private let expiration: String
    private let code: String?

    /// Decodes a document from `endpointName`; errors name the field at fault, never a value.
    static func credentials(from body: [UInt8], endpointName: String) throws(AWSError) -> TemporaryCredentials {
        let document: CredentialDocument
        do {
            document = try JSONDecoder().decode(CredentialDocument.self, from: Data(body))
        } catch {
            throw AWSError(.invalidResponse, "\(endpointName) sent \(problem(error))", retryable: false)
        }
        if let code = document.code, code != "Success" {
            throw AWSError(.credentialsUnavailable, "\(endpointName) answered Code \(code)", retryable: true)
        }
        let expiration = try CredentialExpiration.parse(document.expiration, sentBy: endpointName)
        let credentials = Credentials(
            accessKeyID: document.accessKeyID, secretAccessKey: document.secretAccessKey, sessionToken: document.token)
        return TemporaryCredentials(credentials: credentials, expiration: expiration)
    }

    /// What was wrong with the JSON, by field name only: decoding errors can quote the data.
    private static func problem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "a credential document without \(key.stringValue)"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "a credential document whose \(context.codingPath.map(\.stringValue).joined(separator: ".")) is not a string"
        default: "a body that is not a JSON credential document"
        }
    }
}
