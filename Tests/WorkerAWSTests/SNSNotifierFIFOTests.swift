import AWSClients
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// A transport that records each request and answers every Publish.
private final class PublishRecordingTransport: AWSTransport {
    private let bodies = Mutex<[String]>([])

    /// The form bodies sent so far.
    var sent: [String] { bodies.withLock { $0 } }

    func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse {
        bodies.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
        return AWSHTTPResponse(
            status: 200,
            body: Array(
                "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>".utf8))
    }
}

@Suite("The SNS notifier on FIFO topics")
struct SNSNotifierFIFOTests {
    /// A notifier publishing to `topic` through `transport`.
    private func notifier(_ topic: String, _ transport: PublishRecordingTransport) throws -> SNSNotifier {
        let client = AWSClient(
            transport: transport,
            credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"))
        let endpoint = AWSEndpoint(
            service: .sns, region: "us-east-1", url: try #require(URL(string: "http://127.0.0.1:9")), isCustom: true)
        return SNSNotifier(
            topicARN: topic, client: SNSClient(client: client, endpoint: endpoint),
            logger: .quiet)
    }

    /// The form body of the Publish the notifier sends to `topic` for an event whose id is known.
    private func publishedBody(to topic: String) async throws -> String {
        let transport = PublishRecordingTransport()
        var event = ThumbnailEvent.sampleReady
        event.id = "0123456789abcdef0123456789abcdef"
        try await notifier(topic, transport).notify(event)
        return try #require(transport.sent.first)
    }

    @Test("a FIFO topic gets the event id as the deduplication id and the source key as the group")
    func fifo() async throws {
        let body = try await publishedBody(to: "arn:aws:sns:us-east-1:1:thumbnails.fifo")
        #expect(body.contains("MessageDeduplicationId=0123456789abcdef0123456789abcdef"), "\(body)")
        #expect(body.contains("MessageGroupId=in%2Fcat.jpg"), "\(body)")
    }

    @Test("a standard topic gets neither")
    func standard() async throws {
        let body = try await publishedBody(to: "arn:aws:sns:us-east-1:1:thumbnails")
        #expect(!body.contains("MessageDeduplicationId") && !body.contains("MessageGroupId"), "\(body)")
    }
}
