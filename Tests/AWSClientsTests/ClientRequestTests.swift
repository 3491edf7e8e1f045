import AWSClients
import Foundation
import TestSupport
import Testing

/// What each client puts on the wire and how it reads the answer, over the in-memory transport.
struct ClientRequestTests {
    /// The JSON object a request body holds.
    static func json(_ request: AWSHTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    /// The form fields of a query-protocol body, decoded.
    static func form(_ request: AWSHTTPRequest) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: request.text.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        )
    }

    @Test("SQS ReceiveMessage: JSON 1.0 with the target header; messages and their attributes are read")
    func sqsReceive() async throws {
        let answer = #"""
            {"Messages":[{"MessageId":"m1","ReceiptHandle":"rh1","MD5OfBody":"abc","Body":"hello",
            "Attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1700000000123"},
            "MessageAttributes":{"kind":{"DataType":"String","StringValue":"thumb"},"raw":{"DataType":"Binary","BinaryValue":"AAEC"}}}]}
            """#
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
        let sqs = SQSClient(client: clients.client, endpoint: UnitTestClients.endpoint(.sqs))
        let request = SQS.ReceiveMessageRequest(
            queueURL: "http://q/1/jobs", waitTimeSeconds: 5, visibilityTimeoutSeconds: 60)
        let messages = try await sqs.receiveMessages(request, logger: .quiet)

        let sent = try #require(clients.transport.requests.first)
        #expect(sent.header("X-Amz-Target") == "AmazonSQS.ReceiveMessage")
        #expect(sent.header("Content-Type") == "application/x-amz-json-1.0")
        #expect(sent.timeout == .seconds(20))
        let body = try Self.json(sent)
        #expect(body["QueueUrl"] as? String == "http://q/1/jobs")
        #expect(body["MaxNumberOfMessages"] as? Int == 10)
        #expect(body["WaitTimeSeconds"] as? Int == 5)
        #expect(body["VisibilityTimeout"] as? Int == 60)
        #expect(body["MessageSystemAttributeNames"] as? [String] == ["All"])
        #expect(body["MessageAttributeNames"] as? [String] == ["All"])

        let message = try #require(messages.first)
        #expect(message.body == "hello")
        #expect(message.approximateReceiveCount == 3)
        #expect(message.sentTimestamp == Date(timeIntervalSince1970: 1_700_000_000.123))
        #expect(message.messageAttributes["kind"] == .string("thumb"))
        #expect(message.messageAttributes["raw"] == .binary([0, 1, 2]))
    }

    @Test("SQS ReceiveMessage with no messages answers an empty list")
    func sqsReceiveNothing() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: "{}"))])
        let sqs = SQSClient(client: clients.client, endpoint: UnitTestClients.endpoint(.sqs))
        #expect(try await sqs.receiveMessages(SQS.ReceiveMessageRequest(queueURL: "q"), logger: .quiet).isEmpty)
    }

    @Test("SQS DeleteMessageBatch reports failed entries apart from the successful ones")
    func sqsDeleteBatch() async throws {
        let answer =
            #"{"Successful":[{"Id":"a"}],"Failed":[{"Id":"b","SenderFault":true,"Code":"ReceiptHandleIsInvalid","Message":"stale"}]}"#
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
        let sqs = SQSClient(client: clients.client, endpoint: UnitTestClients.endpoint(.sqs))
        let result = try await sqs.deleteMessages(
            queueURL: "q",
            entries: [SQS.DeleteEntry(id: "a", receiptHandle: "h1"), SQS.DeleteEntry(id: "b", receiptHandle: "h2")],
            logger: .quiet
        )
        #expect(result.successful == ["a"])
        let failure = try #require(result.failed.first)
        #expect(result.failed.count == 1)
        #expect(failure.id == "b")
        #expect(failure.code == "ReceiptHandleIsInvalid")
        #expect(failure.message == "stale")
        #expect(failure.senderFault)
        let body = try Self.json(try #require(clients.transport.requests.first))
        let entries = try #require(body["Entries"] as? [[String: String]])
        #expect(entries == [["Id": "a", "ReceiptHandle": "h1"], ["Id": "b", "ReceiptHandle": "h2"]])
    }

    @Test("SNS Publish: a form with Action, Version and numbered message attributes")
    func snsPublish() async throws {
        let answer = """
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>mid-1</MessageId>\
            </PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>
            """
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
        let sns = SNSClient(client: clients.client, endpoint: UnitTestClients.endpoint(.sns))
        let request = SNS.PublishRequest(
            topicARN: "arn:aws:sns:us-east-1:000000000000:done",
            message: #"{"key":"a b+c"}"#,
            messageAttributes: ["status": .string("ok"), "count": .number(2)]
        )
        #expect(try await sns.publish(request, logger: .quiet) == "mid-1")
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(sent.text.hasPrefix("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns"))
        #expect(
            Self.form(sent) == [
                "Action": "Publish", "Version": "2010-03-31", "TopicArn": "arn:aws:sns:us-east-1:000000000000:done",
                "Message": #"{"key":"a b+c"}"#,
                "MessageAttributes.entry.1.Name": "count", "MessageAttributes.entry.1.Value.DataType": "Number",
                "MessageAttributes.entry.1.Value.StringValue": "2",
                "MessageAttributes.entry.2.Name": "status", "MessageAttributes.entry.2.Value.DataType": "String",
                "MessageAttributes.entry.2.Value.StringValue": "ok",
            ]
        )
    }

    @Test("an answer without the expected element is an invalid response")
    func snsMissingMessageID() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: "<PublishResponse/>"))])
        let sns = SNSClient(client: clients.client, endpoint: UnitTestClients.endpoint(.sns))
        let error = await #expect(throws: AWSError.self) {
            try await sns.publish(SNS.PublishRequest(topicARN: "t", message: "m"), logger: .quiet)
        }
        #expect(error?.code == .invalidResponse)
    }

    @Test("DynamoDB attribute values round-trip through their JSON form")
    func dynamoDBAttributeValues() throws {
        let item: DynamoDB.Item = [
            "s": .string("x"), "n": .number("12.50"), "b": .binary([0xFF, 0]), "t": .bool(true), "z": .null,
            "m": .map(["inner": .list([.string("a"), .number("1")])]), "ss": .stringSet(["a", "b"]),
            "ns": .numberSet(["1"]),
        ]
        let data = try JSONEncoder().encode(item)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        #expect(object["s"]?["S"] as? String == "x")
        #expect(object["n"]?["N"] as? String == "12.50")
        #expect(object["b"]?["B"] as? String == "/wA=")
        #expect(object["z"]?["NULL"] as? Bool == true)
        #expect(try JSONDecoder().decode(DynamoDB.Item.self, from: data) == item)
    }

    @Test("DynamoDB Scan sends the start key and reads the next one")
    func dynamoDBScan() async throws {
        let answer = #"{"Items":[{"id":{"S":"c1"}}],"Count":1,"LastEvaluatedKey":{"id":{"S":"c1"}}}"#
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
        let dynamoDB = DynamoDBClient(client: clients.client, endpoint: UnitTestClients.endpoint(.dynamoDB))
        let page = try await dynamoDB.scan(
            DynamoDB.ScanRequest(tableName: "connections", limit: 1, exclusiveStartKey: ["id": .string("c0")]),
            logger: .quiet
        )
        #expect(page.items == [["id": .string("c1")]])
        #expect(page.lastEvaluatedKey == ["id": .string("c1")])
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.header("X-Amz-Target") == "DynamoDB_20120810.Scan")
        let body = try Self.json(sent)
        #expect(body["TableName"] as? String == "connections")
        #expect(body["Limit"] as? Int == 1)
        #expect((body["ExclusiveStartKey"] as? [String: [String: String]]) == ["id": ["S": "c0"]])
    }

    @Test("PostToConnection goes to STAGE/@connections/ID with the id encoded, signed for execute-api")
    func postToConnection() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: ""))])
        let endpoint = UnitTestClients.endpoint(
            .apiGatewayManagement, "http://127.0.0.1:4566/_aws/execute-api/abc123/prod")
        let gateway = APIGatewayManagementClient(client: clients.client, endpoint: endpoint)
        try await gateway.postToConnection(
            connectionID: "L0SM9cOFvHcCIhw=",
            data: Array(#"{"done":true}"#.utf8),
            logger: .quiet
        )
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.method == "POST")
        #expect(
            sent.url.absoluteString
                == "http://127.0.0.1:4566/_aws/execute-api/abc123/prod/@connections/L0SM9cOFvHcCIhw%3D")
        #expect(sent.header("Authorization")?.contains("/us-east-1/execute-api/aws4_request") == true)
    }

    @Test("PutObject sends content type, cache control, metadata, encryption and storage class headers")
    func s3PutHeaders() async throws {
        let clients = UnitTestClients([
            .success(AWSHTTPResponse(status: 200, headers: [("ETag", "\"e\""), ("x-amz-version-id", "v1")], text: ""))
        ])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let result = try await s3.putObject(
            S3.PutObjectRequest(
                bucket: "b",
                key: "t/a.webp",
                body: [1, 2, 3],
                contentType: "image/webp",
                cacheControl: "max-age=31536000",
                userMetadata: ["source-etag": "abc"],
                serverSideEncryption: .kms(keyID: "alias/thumbs"),
                storageClass: "STANDARD_IA"
            ),
            logger: .quiet
        )
        #expect(result.eTag == "\"e\"")
        #expect(result.versionID == "v1")
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.method == "PUT")
        #expect(sent.url.absoluteString == "http://127.0.0.1:4566/b/t/a.webp")
        #expect(sent.header("Content-Type") == "image/webp")
        #expect(sent.header("Cache-Control") == "max-age=31536000")
        #expect(sent.header("x-amz-meta-source-etag") == "abc")
        #expect(sent.header("x-amz-server-side-encryption") == "aws:kms")
        #expect(sent.header("x-amz-server-side-encryption-aws-kms-key-id") == "alias/thumbs")
        #expect(sent.header("x-amz-storage-class") == "STANDARD_IA")
        #expect(
            sent.header("x-amz-content-sha256") == "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81")
    }

    @Test("PutObject refuses metadata that cannot be sent as a header", arguments: ["caf\u{E9}", "two\nlines"])
    func s3PutRejectsNonASCIIMetadata(value: String) async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: ""))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let error = await #expect(throws: AWSError.self) {
            try await s3.putObject(
                S3.PutObjectRequest(bucket: "b", key: "k", body: [], userMetadata: ["note": value]),
                logger: .quiet
            )
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(clients.transport.requests.isEmpty)
    }

    @Test("HeadObject reads size, ETag, type, dates, version and user metadata from the headers")
    func s3HeadMetadata() async throws {
        let headers = [
            ("Content-Length", "2048"), ("ETag", "\"abc\""), ("Content-Type", "image/jpeg"),
            ("Last-Modified", "Tue, 24 Nov 2026 21:45:20 GMT"),
            ("x-amz-version-id", "v7"), ("X-Amz-Meta-Width", "640"), ("x-amz-storage-class", "STANDARD_IA"),
        ]
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, headers: headers, text: ""))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let metadata = try await s3.headObject(bucket: "b", key: "k", logger: .quiet)
        #expect(metadata.contentLength == 2048)
        #expect(metadata.eTag == "\"abc\"")
        #expect(metadata.contentType == "image/jpeg")
        #expect(metadata.lastModified == Date(timeIntervalSince1970: 1_795_556_720))
        #expect(metadata.versionID == "v7")
        #expect(metadata.storageClass == "STANDARD_IA")
        #expect(metadata.userMetadata == ["width": "640"])
        #expect(clients.transport.requests.first?.method == "HEAD")
    }

    @Test("GetObject passes its byte cap and timeout to the transport")
    func s3GetPassesCap() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: "abc"))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let object = try await s3.getObject(
            bucket: "b", key: "k", maxBytes: 1234, timeout: .seconds(9), logger: .quiet)
        #expect(object.body == Array("abc".utf8))
        #expect(clients.transport.requests.first?.maxResponseBytes == 1234)
        #expect(clients.transport.requests.first?.timeout == .seconds(9))
    }

    @Test("ListObjectsV2 asks for URL-encoded keys and decodes them as S3 encodes them: a space as +, a + as %2B")
    func s3ListEncoded() async throws {
        // The shape of S3's answer (a space in a key comes as `+`); ministack writes `%20` instead, which decodes alike.
        let answer = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>in%2F</Prefix>
            <KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
            <Contents><Key>in/a+b.jpg</Key><LastModified>2026-11-24T21:45:20.000Z</LastModified>
            <ETag>&quot;abc&quot;</ETag><Size>2048</Size><StorageClass>STANDARD</StorageClass></Contents>
            <Contents><Key>in/a%2Bb%25.jpg</Key><LastModified>2026-11-24T21:45:21Z</LastModified>
            <ETag>"def-2"</ETag><Size>0</Size></Contents>
            <Contents><Key>in/%C3%BC%09tab</Key><Size>7</Size></Contents>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            <StartAfter>in%2Fa</StartAfter></ListBucketResult>
            """
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let page = try await s3.listObjectsV2(
            bucket: "b", prefix: "in/", startAfter: "in/a b", continuationToken: "t/+=", maxKeys: 3, logger: .quiet)

        #expect(
            page.objects == [
                S3.ObjectSummary(
                    key: "in/a b.jpg", size: 2048, eTag: "abc", lastModified: Date(timeIntervalSince1970: 1_795_556_720)
                ),
                S3.ObjectSummary(
                    key: "in/a+b%.jpg", size: 0, eTag: "def-2", lastModified: Date(timeIntervalSince1970: 1_795_556_721)
                ),
                S3.ObjectSummary(key: "in/ü\ttab", size: 7),
            ])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.method == "GET")
        #expect(sent.url.path(percentEncoded: true) == "/b")
        let query = try #require(sent.url.query(percentEncoded: true)).split(separator: "&").sorted()
        #expect(
            query == [
                "continuation-token=t%2F%2B%3D", "encoding-type=url", "list-type=2", "max-keys=3", "prefix=in%2F",
                "start-after=in%2Fa%20b",
            ])
    }

    @Test("ListObjectsV2 takes keys as they are from a store that ignores encoding-type, and reads an empty page")
    func s3ListUnencoded() async throws {
        let raw =
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a+b %41.jpg</Key><Size>1</Size></Contents></ListBucketResult>"
        let empty = "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>"
        let clients = UnitTestClients([
            .success(AWSHTTPResponse(status: 200, text: raw)), .success(AWSHTTPResponse(status: 200, text: empty)),
        ])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let page = try await s3.listObjectsV2(bucket: "b", logger: .quiet)
        #expect(page.objects.map(\.key) == ["a+b %41.jpg"])
        #expect(!page.isTruncated)
        #expect(clients.transport.requests.first?.url.query(percentEncoded: true) == "list-type=2&encoding-type=url")
        let emptyPage = try await s3.listObjectsV2(bucket: "b", logger: .quiet)
        #expect(emptyPage.objects.isEmpty)
        #expect(!emptyPage.isTruncated)
        #expect(emptyPage.nextContinuationToken == nil)
    }

    @Test("ListObjectsV2: an object without a key or with an unreadable size is an invalid response")
    func s3ListInvalid() async throws {
        let answers = [
            "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><Contents><Key>k</Key><Size>big</Size></Contents></ListBucketResult>",
            "not xml",
        ]
        for answer in answers {
            let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: answer))])
            let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
            let error = await #expect(throws: AWSError.self, "\(answer)") {
                try await s3.listObjectsV2(bucket: "b", logger: .quiet)
            }
            #expect(error?.code == .invalidResponse)
            #expect(error?.isRetryable == false)
        }
    }

    @Test("DeleteObject sends DELETE to the object's URL")
    func s3Delete() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 204, text: ""))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        try await s3.deleteObject(bucket: "b", key: "t/a b+.webp", logger: .quiet)
        let sent = try #require(clients.transport.requests.first)
        #expect(sent.method == "DELETE")
        #expect(sent.url.absoluteString == "http://127.0.0.1:4566/b/t/a%20b%2B.webp")
    }

    @Test("a presigned URL carries the query signature and expiry, signed at the client's clock")
    func presignedURL() async throws {
        let clients = UnitTestClients([.success(AWSHTTPResponse(status: 200, text: ""))])
        let s3 = S3Client(client: clients.client, endpoint: UnitTestClients.endpoint(.s3))
        let url = try await s3.presignedGetURL(bucket: "b", key: "a b.jpg", expires: .seconds(300))
        let query = try #require(url.query(percentEncoded: false))
        #expect(url.path(percentEncoded: true) == "/b/a%20b.jpg")
        #expect(query.contains("X-Amz-Expires=300"))
        #expect(query.contains("X-Amz-Date=20150830T123600Z"))
        #expect(query.contains("X-Amz-Signature="))
        #expect(clients.transport.requests.isEmpty)
    }
}
