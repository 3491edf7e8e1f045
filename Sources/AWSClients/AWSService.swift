package import SigV4

/// One AWS service as this module reaches it: how requests to it are signed and where its endpoint comes from.
package struct AWSService: Sendable {
    /// The name used in SigV4 credential scopes (`s3`, `sqs`, `execute-api`).
    package let signingName: String
    /// The first label of the service's default host, `https://PREFIX.REGION.amazonaws.com`; `nil` when the
    /// service has no default endpoint and one must be configured.
    package let endpointPrefix: String?
    /// The service id in `AWS_ENDPOINT_URL_<ID>` (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    package let environmentID: String
    /// Where the service departs from standard SigV4 (`.s3` for S3).
    package let signerOptions: SigV4Signer.Options

    /// Describes a service; the static members cover the ones this module has clients for.
    package init(
        signingName: String,
        endpointPrefix: String?,
        environmentID: String,
        signerOptions: SigV4Signer.Options = .standard
    ) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.environmentID = environmentID
        self.signerOptions = signerOptions
    }

    /// Amazon S3.
    package static let s3 = AWSService(signingName: "s3", endpointPrefix: "s3", environmentID: "S3", signerOptions: .s3)
    /// Amazon SQS.
    package static let sqs = AWSService(signingName: "sqs", endpointPrefix: "sqs", environmentID: "SQS")
    /// Amazon SNS.
    package static let sns = AWSService(signingName: "sns", endpointPrefix: "sns", environmentID: "SNS")
    /// Amazon DynamoDB.
    package static let dynamoDB = AWSService(
        signingName: "dynamodb", endpointPrefix: "dynamodb", environmentID: "DYNAMODB")
    /// AWS STS, asked for web-identity credentials (unsigned).
    package static let sts = AWSService(signingName: "sts", endpointPrefix: "sts", environmentID: "STS")
    /// The API Gateway Management API of one WebSocket API stage; its endpoint is always configured
    /// (`https://API_ID.execute-api.REGION.amazonaws.com/STAGE`).
    package static let apiGatewayManagement = AWSService(
        signingName: "execute-api",
        endpointPrefix: nil,
        environmentID: "APIGATEWAYMANAGEMENTAPI"
    )
}
