import AWSClients
import Foundation
import Testing

/// Where the region and the endpoint come from, with the environment given as a dictionary.
struct AWSEndpointTests {
    @Test("the configured region wins over AWS_REGION, which wins over AWS_DEFAULT_REGION")
    func regionPrecedence() throws {
        let environment = ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-central-1"]
        #expect(try AWSEndpoint.resolve(.sqs, region: "ap-south-1", environment: environment).region == "ap-south-1")
        #expect(try AWSEndpoint.resolve(.sqs, environment: environment).region == "eu-west-1")
        #expect(
            try AWSEndpoint.resolve(.sqs, environment: ["AWS_DEFAULT_REGION": "eu-central-1"]).region == "eu-central-1")
        #expect(
            try AWSEndpoint.resolve(.sqs, environment: ["AWS_REGION": " ", "AWS_DEFAULT_REGION": "eu-central-1"]).region
                == "eu-central-1"
        )
    }

    @Test("no region anywhere is a configuration error")
    func missingRegion() {
        let error = #expect(throws: AWSError.self) { try AWSEndpoint.resolve(.s3, environment: [:]) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("AWS_REGION") == true)
    }

    @Test(
        "without configuration, each service's public endpoint",
        arguments: [
            (AWSService.s3, "eu-west-1", "https://s3.eu-west-1.amazonaws.com"),
            (.sqs, "us-east-1", "https://sqs.us-east-1.amazonaws.com"),
            (.sns, "ap-southeast-2", "https://sns.ap-southeast-2.amazonaws.com"),
            (.dynamoDB, "cn-north-1", "https://dynamodb.cn-north-1.amazonaws.com.cn"),
        ]
    )
    func publicEndpoints(service: AWSService, region: String, expected: String) throws {
        let endpoint = try AWSEndpoint.resolve(service, region: region, environment: [:])
        #expect(endpoint.url.absoluteString == expected)
        #expect(!endpoint.isCustom)
    }

    @Test("configuration, then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL")
    func endpointPrecedence() throws {
        let environment = [
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": "http://global:4566",
            "AWS_ENDPOINT_URL_S3": "http://s3only:9000",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://dynamo:8000",
        ]
        let configured = try AWSEndpoint.resolve(
            .s3, url: URL(string: "https://minio.example:9000"), environment: environment)
        #expect(configured.url.absoluteString == "https://minio.example:9000")
        #expect(configured.isCustom)
        #expect(try AWSEndpoint.resolve(.s3, environment: environment).url.absoluteString == "http://s3only:9000")
        #expect(try AWSEndpoint.resolve(.dynamoDB, environment: environment).url.absoluteString == "http://dynamo:8000")
        let sqs = try AWSEndpoint.resolve(.sqs, environment: environment)
        #expect(sqs.url.absoluteString == "http://global:4566")
        #expect(sqs.isCustom)
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores the environment's endpoints")
    func ignoreConfiguredEndpoints() throws {
        let environment = [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://global:4566",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ]
        #expect(
            try AWSEndpoint.resolve(.sns, environment: environment).url.absoluteString
                == "https://sns.us-east-1.amazonaws.com"
        )
    }

    @Test("API Gateway management has no public default: its stage URL must be configured")
    func apiGatewayNeedsEndpoint() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSEndpoint.resolve(.apiGatewayManagement, region: "us-east-1", environment: [:])
        }
        #expect(error?.code == .invalidConfiguration)
        let environment = [
            "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": "https://abc.execute-api.us-east-1.amazonaws.com/prod"
        ]
        let endpoint = try AWSEndpoint.resolve(.apiGatewayManagement, region: "us-east-1", environment: environment)
        #expect(
            endpoint.url(path: "/@connections/x%3D").absoluteString
                == "https://abc.execute-api.us-east-1.amazonaws.com/prod/@connections/x%3D"
        )
    }

    @Test(
        "an endpoint without a scheme or a host, or with a query, is refused",
        arguments: ["localhost:4566", "ftp://host", "http://host/?a=1", "not a url"]
    )
    func invalidEndpoints(text: String) {
        let error = #expect(throws: AWSError.self) {
            try AWSEndpoint.resolve(.sqs, environment: ["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SQS": text])
        }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("paths are appended to the base path, a trailing slash or not")
    func pathJoining() throws {
        for base in ["http://h:1/_aws/execute-api/api/stage", "http://h:1/_aws/execute-api/api/stage/"] {
            let endpoint = AWSEndpoint(
                service: .apiGatewayManagement,
                region: "us-east-1",
                url: try #require(URL(string: base)),
                isCustom: true
            )
            #expect(
                endpoint.url(path: "/@connections/abc").absoluteString
                    == "http://h:1/_aws/execute-api/api/stage/@connections/abc"
            )
        }
    }
}
