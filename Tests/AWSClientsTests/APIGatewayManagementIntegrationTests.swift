import AWSClients
import Foundation
import SigV4
import TestSupport
import Testing

/// API Gateway's management API against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct APIGatewayManagementIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    @Test("posting to an unknown connection is `gone`, final")
    func unknownConnection() async throws {
        try await Emulator.withClients { aws in
            let gateway = try aws.apiGateway(apiID: "abc123", stage: "prod")
            let error = await #expect(throws: AWSError.self) {
                try await gateway.postToConnection(
                    connectionID: "L0SM9cOFvHcCIhw=",
                    data: Array(#"{"done":true}"#.utf8),
                    logger: Self.logger
                )
            }
            #expect(error?.code == .gone)
            #expect(error?.statusCode == 410)
            #expect(error?.isRetryable == false)
        }
    }
}

/// Every client's requests are refused when signed with the wrong secret, so signing is really checked everywhere.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct SignatureCheckingIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    @Test("a wrong secret is refused by SQS, SNS, DynamoDB and API Gateway, each in its own words")
    func wrongSecretEverywhere() async throws {
        let key = try await Emulator.testCredentials.value
        let wrong = Credentials(accessKeyID: key.accessKeyID, secretAccessKey: "not-the-secret")
        try await Emulator.withClients(credentials: wrong) { aws in
            let sqs = await #expect(throws: AWSError.self) {
                try await aws.sqs.createQueue(name: Emulator.uniqueName("x"), logger: Self.logger)
            }
            let sns = await #expect(throws: AWSError.self) {
                try await aws.sns.createTopic(name: Emulator.uniqueName("x"), logger: Self.logger)
            }
            let dynamoDB = await #expect(throws: AWSError.self) {
                try await aws.dynamoDB.scan(DynamoDB.ScanRequest(tableName: "x"), logger: Self.logger)
            }
            let gateway = await #expect(throws: AWSError.self) {
                try await aws.apiGateway(apiID: "abc123", stage: "prod").postToConnection(
                    connectionID: "c",
                    data: [],
                    logger: Self.logger
                )
            }
            #expect(sqs?.serviceCode == "SignatureDoesNotMatch")
            #expect(sqs?.statusCode == 403)
            #expect(sns?.serviceCode == "SignatureDoesNotMatch")
            #expect(sns?.statusCode == 403)
            #expect(dynamoDB?.serviceCode == "InvalidSignatureException")
            #expect(dynamoDB?.statusCode == 400)
            #expect(gateway?.serviceCode == "InvalidSignatureException")
            #expect(gateway?.statusCode == 403)
            for error in [sqs, sns, dynamoDB, gateway] {
                #expect(error?.code == .service)
                #expect(error?.isRetryable == false)
            }
        }
    }
}
