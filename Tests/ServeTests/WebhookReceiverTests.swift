import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import LocalBackend
import NIOCore
import Serve
import TestSupport
import Testing
import WebhookSigning
import WorkerCore

@Suite("serve: POST /events takes a separate fleet's signed webhook deliveries")
struct WebhookReceiverTests {
    /// A delivery of `event` signed at `time` with `secret`, as the fleet's webhook notifier sends it.
    private static func delivery(
        _ event: ThumbnailEvent, secret: String = LocalApp.webhookSecret, at time: Date = Date(), tamper: Bool = false
    ) -> (headers: HTTPFields, body: ByteBuffer) {
        let body = event.jsonBytes()
        let timestamp = Int(time.timeIntervalSince1970)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init(WebhookSignature.timestampHeader)!] = String(timestamp)
        headers[.init(WebhookSignature.signatureHeader)!] = WebhookSignature(secret: secret)
            .headerValue(timestamp: timestamp, body: body)
        return (headers, ByteBuffer(bytes: tamper ? body + [UInt8(ascii: " ")] : body))
    }

    @Test("a valid delivery makes its image ready, once or twice; unsigned, tampered, stale or foreign ones are 401s")
    func deliveries() async throws {
        let app = try LocalApp()
        try await app.application.test(.router) { client in
            let group = try await createGroup(client, name: "trip")
            let (image, _) = try await createImage(client, in: group)
            let key = try #require(try await app.catalog.image(id: image)).objectKey
            var event = ThumbnailEvent.sampleReady
            event.source = .init(bucket: "uploads", key: key)

            let refused: [(HTTPFields, ByteBuffer, String)] = [
                (
                    [.contentType: "application/json"], ByteBuffer(bytes: event.jsonBytes()),
                    "send X-Thumbworker-Signature"
                ),
                (Self.delivery(event, tamper: true).headers, Self.delivery(event, tamper: true).body, "does not match"),
                (Self.delivery(event, secret: "another secret").headers, Self.delivery(event).body, "does not match"),
                (
                    Self.delivery(event, at: Date(timeIntervalSinceNow: -600)).headers,
                    Self.delivery(event, at: Date(timeIntervalSinceNow: -600)).body, "more than 5 minutes"
                ),
            ]
            for (headers, body, reason) in refused {
                try await client.execute(uri: "/events", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unauthorized, "\(reason)")
                    #expect(String(buffer: response.body).contains(reason), "\(String(buffer: response.body))")
                }
            }
            #expect(try await app.catalog.image(id: image)?.status == .processing, "nothing refused was applied")

            for _ in 0..<2 {
                let (headers, body) = Self.delivery(event)
                try await client.execute(uri: "/events", method: .post, headers: headers, body: body) {
                    #expect($0.status == .noContent)
                }
            }
            let ready = try #require(try await app.catalog.image(id: image))
            #expect(ready.status == .ready && ready.thumbnails?.count == 2)

            let notAnEvent = ByteBuffer(string: #"{"hello":"world"}"#)
            var headers = Self.delivery(event).headers
            let timestamp = Int(Date().timeIntervalSince1970)
            headers[.init(WebhookSignature.timestampHeader)!] = String(timestamp)
            headers[.init(WebhookSignature.signatureHeader)!] = WebhookSignature(
                secret: LocalApp.webhookSecret
            ).headerValue(timestamp: timestamp, body: Array(buffer: notAnEvent))
            try await client.execute(uri: "/events", method: .post, headers: headers, body: notAnEvent) {
                #expect($0.status == .badRequest)
            }
        }
    }
}
