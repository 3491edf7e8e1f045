package import AWSClients
package import Foundation
package import Logging
package import SigV4
package import Testing

/// The ministack emulator the integration tests run against, started by `scripts/aws-emulator.sh start`.
///
/// ministack verifies signatures only for keys made through its IAM API, so the tests make an IAM user with an
/// allow-all policy once per process (signed with the root key `test`/`test`) and sign everything with its key.
package enum Emulator {
    /// The emulator's URL, from `EMULATOR_AWS_ENDPOINT`; `nil` when the integration tests are off.
    package static let url: URL? = ProcessInfo.processInfo.environment["EMULATOR_AWS_ENDPOINT"].flatMap {
        URL(string: $0)
    }

    /// Whether the integration tests can run.
    package static var isAvailable: Bool { url != nil }

    /// Why the integration tests are skipped.
    package static let skipReason: Comment =
        "set EMULATOR_AWS_ENDPOINT (eval \"$(scripts/aws-emulator.sh start)\") to test against ministack"

    /// The region every test signs for.
    package static let region = "us-east-1"

    /// A logger that prints warnings and worse.
    package static let logger: Logger = {
        var logger = Logger(label: "aws-clients-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// IAM, for making the test user.
    package static let iam = AWSService(signingName: "iam", endpointPrefix: "iam", environmentID: "IAM")

    /// The test user's key, made on first use and shared by every test of the process.
    package static let testCredentials = Task<Credentials, any Error> {
        let transport = HTTPClientTransport()
        do {
            let credentials = try await makeTestUser(transport: transport)
            try await transport.shutdown()
            return credentials
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// The endpoint of `service` on the emulator.
    package static func endpoint(_ service: AWSService) throws -> AWSEndpoint {
        AWSEndpoint(service: service, region: region, url: try #require(url), isCustom: true)
    }

    /// A name no other test uses: `prefix-` and 16 random hex digits.
    package static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
    }

    /// Runs `body` with clients signed by the test user's key (or `credentials`) on a clock `clockOffset` seconds off,
    /// then closes the connections.
    package static func withClients<Result>(
        credentials: Credentials? = nil,
        clockOffset: TimeInterval = 0,
        _ body: (EmulatorClients) async throws -> Result
    ) async throws -> Result {
        let transport = HTTPClientTransport()
        do {
            var key = credentials
            if key == nil { key = try await testCredentials.value }
            let client = AWSClient(
                transport: transport,
                credentialProvider: StaticCredentialProvider(try #require(key)),
                now: { Date().addingTimeInterval(clockOffset) }
            )
            let result = try await body(try EmulatorClients(client: client, transport: transport))
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    private static func makeTestUser(transport: HTTPClientTransport) async throws -> Credentials {
        let root = AWSClient(
            transport: transport,
            credentialProvider: StaticCredentialProvider(accessKeyID: "test", secretAccessKey: "test")
        )
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        return try await makeIAMUser(client: root, inlinePolicies: ["everything": policy])
    }
}

/// One client per service, all on one transport and key.
package struct EmulatorClients {
    /// The core client.
    package let client: AWSClient
    /// The transport, for unsigned requests (presigned URLs).
    package let transport: HTTPClientTransport
    /// S3, path-style.
    package let s3: S3Client
    /// SQS.
    package let sqs: SQSClient
    /// SNS.
    package let sns: SNSClient
    /// DynamoDB.
    package let dynamoDB: DynamoDBClient

    /// Makes the clients on the emulator's endpoints.
    package init(client: AWSClient, transport: HTTPClientTransport) throws {
        self.client = client
        self.transport = transport
        s3 = S3Client(client: client, endpoint: try Emulator.endpoint(.s3))
        sqs = SQSClient(client: client, endpoint: try Emulator.endpoint(.sqs))
        sns = SNSClient(client: client, endpoint: try Emulator.endpoint(.sns))
        dynamoDB = DynamoDBClient(client: client, endpoint: try Emulator.endpoint(.dynamoDB))
    }

    /// The management API of stage `stage` of WebSocket API `apiID`, at ministack's `/_aws/execute-api/API/STAGE`.
    package func apiGateway(apiID: String, stage: String) throws -> APIGatewayManagementClient {
        let base = try #require(Emulator.url)
        let endpoint = AWSEndpoint(
            service: .apiGatewayManagement,
            region: Emulator.region,
            url: base.appending(path: "_aws/execute-api/\(apiID)/\(stage)"),
            isCustom: true
        )
        return APIGatewayManagementClient(client: client, endpoint: endpoint)
    }

    /// Creates a bucket with a unique name and returns the name.
    package func makeBucket() async throws -> String {
        let bucket = Emulator.uniqueName("tw")
        let url = s3.endpoint.url(path: "/\(bucket)")
        _ = try await client.send(
            AWSHTTPRequest(method: "PUT", url: url),
            to: s3.endpoint,
            operation: "S3.CreateBucket",
            logger: Emulator.logger
        )
        return bucket
    }
}
