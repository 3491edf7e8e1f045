import Testing

@testable import AWSClients

/// Error responses of every protocol, as the services send them, become typed errors.
struct AWSErrorParsingTests {
    /// The error made from an answer with `status`, `body` and `headers`.
    static func parse(_ status: Int, _ body: String, headers: [(String, String)] = []) -> AWSError {
        AWSError(response: AWSHTTPResponse(status: status, headers: headers, text: body), operation: "Test.Op")
    }

    @Test("S3's <Error> document")
    func s3Error() {
        let error = Self.parse(
            404,
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
            <Key>in/a b.jpg</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>
            """,
            headers: [("x-amz-request-id", "4442587FB7D0A2F9")]
        )
        #expect(error.code == .service)
        #expect(error.serviceCode == "NoSuchKey")
        #expect(error.statusCode == 404)
        #expect(error.requestID == "4442587FB7D0A2F9")
        #expect(!error.isRetryable)
        #expect(error.message == "Test.Op failed: NoSuchKey: The specified key does not exist.")
    }

    @Test("S3's SlowDown is throttling")
    func s3SlowDown() {
        let error = Self.parse(
            503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        #expect(error.code == .throttled)
        #expect(error.isRetryable)
    }

    @Test("the query protocol's <ErrorResponse> (SNS, IAM), namespace and all")
    func queryProtocolError() {
        let error = Self.parse(
            400,
            """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>\
            <Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message></Error>\
            <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ErrorResponse>
            """
        )
        #expect(error.serviceCode == "InvalidParameter")
        #expect(error.requestID == "d74b8436-ae13-5ab4-a9ff-ce54dfea72a0")
        #expect(error.message.hasSuffix("Invalid parameter: TopicArn"))
        #expect(!error.isRetryable)
    }

    @Test("SNS's Throttling in the query protocol is retryable")
    func queryProtocolThrottling() {
        let error = Self.parse(
            400,
            "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        )
        #expect(error.code == .throttled)
        #expect(error.isRetryable)
    }

    @Test("SQS's JSON error: the x-amzn-query-error code wins, as in the AWS SDKs")
    func sqsJSONError() {
        let error = Self.parse(
            400,
            #"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
            headers: [
                ("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"), ("x-amzn-RequestId", "req-1"),
            ]
        )
        #expect(error.serviceCode == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(error.requestID == "req-1")
        #expect(error.message.hasSuffix("The specified queue does not exist."))
    }

    @Test("a JSON error without the query header: `__type` with its namespace removed")
    func jsonTypeWithoutNamespace() {
        let error = Self.parse(400, #"{"__type":"com.amazonaws.sqs#ReceiptHandleIsInvalid","Message":"stale"}"#)
        #expect(error.serviceCode == "ReceiptHandleIsInvalid")
        #expect(error.message.hasSuffix(": stale"))
    }

    @Test(
        "DynamoDB's JSON errors",
        arguments: [
            (
                "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "ResourceNotFoundException",
                AWSError.Code.service,
                false
            ),
            (
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "ProvisionedThroughputExceededException", .throttled, true
            ),
            ("com.amazonaws.dynamodb.v20120810#ThrottlingException", "ThrottlingException", .throttled, true),
        ]
    )
    func dynamoDBErrors(type: String, serviceCode: String, code: AWSError.Code, retryable: Bool) {
        let error = Self.parse(400, #"{"__type":"\#(type)","message":"m"}"#)
        #expect(error.serviceCode == serviceCode)
        #expect(error.code == code)
        #expect(error.isRetryable == retryable)
    }

    @Test("the x-amzn-errortype header, suffix removed, when the body has no code")
    func errorTypeHeader() {
        let error = Self.parse(
            400,
            #"{"message":"bad"}"#,
            headers: [("x-amzn-ErrorType", "BadRequestException:http://internal.amazon.com/coral/")]
        )
        #expect(error.serviceCode == "BadRequestException")
    }

    @Test("API Gateway's 410 GoneException is `gone` and final")
    func goneException() {
        let error = Self.parse(410, #"{"message":"GoneException"}"#, headers: [("x-amzn-ErrorType", "GoneException")])
        #expect(error.code == .gone)
        #expect(error.serviceCode == "GoneException")
        #expect(!error.isRetryable)
    }

    @Test(
        "a bodiless answer (HEAD) is named after its status",
        arguments: [
            (404, "NotFound", AWSError.Code.service, false),
            (403, "Forbidden", .service, false),
            (429, "TooManyRequestsException", .throttled, true),
            (500, "InternalError", .service, true),
            (503, "ServiceUnavailable", .service, true),
            (418, "HTTP418", .service, false),
        ]
    )
    func bodilessAnswers(status: Int, serviceCode: String, code: AWSError.Code, retryable: Bool) {
        let error = Self.parse(status, "")
        #expect(error.serviceCode == serviceCode)
        #expect(error.code == code)
        #expect(error.isRetryable == retryable)
        #expect(error.statusCode == status)
    }

    @Test("a body that is neither XML nor JSON falls back to the status")
    func garbageBody() {
        #expect(Self.parse(502, "<html><body>Bad Gateway").serviceCode == "HTTP502")
        #expect(Self.parse(502, "<html><body>Bad Gateway").isRetryable)
        #expect(Self.parse(400, "{not json").serviceCode == "BadRequest")
    }

    @Test("RequestTimeTooSkewed and SignatureDoesNotMatch are not retried, and say what to check")
    func signingErrorsAreFinal() {
        for code in ["RequestTimeTooSkewed", "SignatureDoesNotMatch", "InvalidAccessKeyId"] {
            #expect(!Self.parse(403, "<Error><Code>\(code)</Code></Error>").isRetryable)
        }
        #expect(Self.parse(403, "<Error><Code>RequestTimeTooSkewed</Code></Error>").message.contains("clock"))
        #expect(
            Self.parse(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>").message.contains("secret access key"))
    }

    @Test("S3's RequestTimeout is retried although it is a 400")
    func requestTimeoutIsRetried() {
        #expect(Self.parse(400, "<Error><Code>RequestTimeout</Code></Error>").isRetryable)
    }
}
