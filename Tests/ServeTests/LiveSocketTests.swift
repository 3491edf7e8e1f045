import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import LocalBackend
import Serve
import TestSupport
import Testing
import WorkerCore

extension ThumbnailEvent {
    /// The sample event of `type`, about the original of `image` in the bucket `uploads`.
    fileprivate static func about(_ image: String, type: String, in app: LocalApp) async throws -> ThumbnailEvent {
        let item = try #require(try await app.catalog.image(id: image))
        var event = type == ThumbnailEvent.readyType ? ThumbnailEvent.sampleReady : ThumbnailEvent.sampleFailed
        event.source = .init(bucket: "uploads", key: item.objectKey)
        return event
    }
}

/// The websocket's URL on the test's live server.
private func liveURL(_ client: some TestClientProtocol) throws -> URL {
    let port = try #require(client.port)
    return try #require(URL(string: "ws://127.0.0.1:\(port)/live"))
}

/// A message the server sent, as a JSON object.
private func message(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("serve: /live pushes an image's events to the clients following its group")
struct LiveSocketTests {
    @Test("each client gets the ready and failed events of the group it follows, with the image, and no other group's")
    func eventsGoToTheirGroup() async throws {
        let app = try LocalApp()
        try await app.server.application(host: "127.0.0.1", port: 0, logger: .quiet).test(.live) { client in
            let trip = try await createGroup(client, name: "trip")
            let cats = try await createGroup(client, name: "cats")
            let beach = try await createImage(client, in: trip).id
            let kitten = try await createImage(client, in: cats).id
            let url = try liveURL(client)
            try await WebSocketTestClient.connect(to: url) { tripClient in
                try await WebSocketTestClient.connect(to: url) { catsClient in
                    try await tripClient.send(#"{"action":"subscribe","groupId":"\#(trip)"}"#)
                    try await catsClient.send(#"{"action":"subscribe","groupId":"\#(cats)"}"#)
                    #expect(try await tripClient.take(1).map(message).first?["type"] as? String == "subscribed")
                    #expect(try await catsClient.take(1).map(message).first?["groupId"] as? String == cats)

                    try await app.notifier.notify(.about(beach, type: ThumbnailEvent.readyType, in: app))
                    try await app.notifier.notify(.about(kitten, type: ThumbnailEvent.failedType, in: app))
                    try await app.notifier.notify(.about(beach, type: ThumbnailEvent.failedType, in: app))

                    let tripMessages = try await tripClient.take(2).map(message)
                    #expect(tripMessages.map { $0["type"] as? String } == ["thumbnails.ready", "thumbnails.failed"])
                    #expect(tripMessages.allSatisfy { $0["groupId"] as? String == trip })
                    let ready = try #require(tripMessages.first?["image"] as? [String: Any])
                    #expect(ready["id"] as? String == beach && ready["status"] as? String == "ready")
                    let thumbnail = try #require((ready["thumbnails"] as? [[String: Any]])?.first)
                    #expect(thumbnail["url"] as? String == "/local/thumbs/small/cat.webp")
                    let failed = try #require(tripMessages.last?["image"] as? [String: Any])
                    #expect((failed["error"] as? [String: Any])?["message"] as? String == "the PNG is truncated")

                    let catsMessages = try await catsClient.take(2, polls: 10).map(message)
                    #expect(catsMessages.count == 1)
                    #expect((catsMessages.first?["image"] as? [String: Any])?["id"] as? String == kitten)

                    try await catsClient.send(#"{"action":"unsubscribe","groupId":"\#(cats)"}"#)
                    #expect(try await catsClient.take(1).map(message).first?["type"] as? String == "unsubscribed")
                    try await app.notifier.notify(.about(kitten, type: ThumbnailEvent.readyType, in: app))
                    #expect(try await catsClient.take(1, polls: 5).isEmpty)
                }
            }
        }
    }

    @Test("a message that cannot be followed gets an error naming what to send; the connection stays usable")
    func badMessages() async throws {
        let app = try LocalApp()
        try await app.server.application(host: "127.0.0.1", port: 0, logger: .quiet).test(.live) { client in
            let trip = try await createGroup(client, name: "trip")
            let url = try liveURL(client)
            try await WebSocketTestClient.connect(to: url) { live in
                for text in [
                    "not json", #"{"action":"shout","groupId":"\#(trip)"}"#,
                    #"{"action":"subscribe","groupId":"0123456789abcdef01234567"}"#,
                    #"{"action":"subscribe","groupId":"../../etc"}"#,
                ] {
                    try await live.send(text)
                }
                let errors = try await live.take(4).map(message)
                #expect(errors.map { $0["type"] as? String } == Array(repeating: "error", count: 4))
                #expect((errors[0]["message"] as? String)?.contains(#""action": "subscribe""#) == true)
                #expect((errors[1]["message"] as? String)?.contains("unknown action shout") == true)
                #expect((errors[2]["message"] as? String)?.contains("there is no group") == true)
                try await live.send(#"{"action":"subscribe","groupId":"\#(trip)"}"#)
                #expect(try await live.take(1).map(message).first?["type"] as? String == "subscribed")
            }
            var followers = 1
            for _ in 0..<50 where followers > 0 {
                try await Task.sleep(for: .milliseconds(100))
                followers = await app.server.subscriptions.subscriberCount(of: trip)
            }
            #expect(followers == 0, "the closed connection is forgotten")
        }
    }

    @Test("a page of another origin may not connect; a plain GET of /live is told to upgrade")
    func origins() async throws {
        let live = try LocalApp().server.live
        func request(origin: String?) -> HTTPRequest {
            HTTPRequest(
                method: .get, scheme: nil, authority: "127.0.0.1:8080", path: "/live",
                headerFields: origin.map { [.origin: $0] } ?? [:])
        }
        for origin in [nil, "http://127.0.0.1:8080", "https://app.example.com"] {
            guard case .upgrade = live.upgrade(request(origin: origin)) else {
                Issue.record("\(origin ?? "no origin") is refused")
                continue
            }
        }
        guard case .dontUpgrade = live.upgrade(request(origin: "https://evil.example.com")) else {
            Issue.record("another origin is upgraded")
            return
        }
        try await LocalApp().application.test(.router) { client in
            try await client.execute(uri: "/live", method: .get, headers: [.origin: "https://evil.example.com"]) {
                response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("serve.cors_origins"))
            }
            try await client.execute(uri: "/live", method: .get) { #expect($0.status == .upgradeRequired) }
        }
    }
}
