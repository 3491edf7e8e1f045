import AWSClients
import Foundation
import TestSupport
import Testing
import WorkerCore

/// `thumbworker run` against ministack broadcasting through a real API Gateway WEBSOCKET API to a real websocket
/// client, with a connections table that also lists a connection that has closed.
@Suite("thumbworker run end to end: websocket broadcast", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct RunNotifierEndToEndTests {
    @Test(
        "a connected client receives the ready and failed events; the closed connection's item is pruned, the live one kept"
    )
    func websocketBroadcast() async throws {
        try await Emulator.withClients { aws in
            let api = try await aws.makeConnectionEchoAPI()
            let stale = try await api.connect { _, connectionID in connectionID }
            try await expectGone(stale, api: api, aws: aws)

            try await api.connect { client, live in
                let table = try await aws.makeTable(
                    key: "connectionId", items: [["connectionId": .string(live)], ["connectionId": .string(stale)]])
                let wiring = try await Wiring.make(
                    aws,
                    extraNotifiers: """
                          - type: websocket
                            connections_table: \(table)
                            endpoint: \(api.managementURL.absoluteString)

                        """)
                let uploads = [("ws/landscape.jpg", "landscape.jpg"), ("ws/truncated.jpg", "truncated.jpg")]
                for (key, file) in uploads {
                    try await wiring.upload(file, as: key)
                }
                try await wiring.waitForDepth(of: wiring.workQueue, atLeast: uploads.count + 1)

                let run = try await wiring.run(["--exit-when-idle"]).result()
                #expect(run.status == 0, "\(run.standardError)")

                let messages = try await client.take(2)
                let events = try messages.map { try ThumbnailEvent.decode(json: Array($0.utf8)) }
                let ready = events.filter { $0.type == ThumbnailEvent.readyType }
                let failed = events.filter { $0.type == ThumbnailEvent.failedType }
                #expect(ready.map(\.imageId) == ["ws/landscape.jpg"], "\(messages)")
                #expect(ready.first?.renditions?.map(\.name) == RunEndToEndTests.renditions.map(\.name))
                #expect(failed.map(\.imageId) == ["ws/truncated.jpg"], "\(messages)")
                #expect(failed.first?.error?.code == "corrupt")
                #expect(try await client.take(1, polls: 0).isEmpty, "one message per event")

                let items = try await aws.dynamoDB.scanAll(.init(tableName: table), logger: Emulator.logger)
                #expect(
                    items.compactMap { $0["connectionId"]?.stringValue } == [live],
                    "the stale item is pruned, the live one kept")
                try await wiring.expectQueuesEmpty()
            }
        }
    }

    /// Waits (bounded: 50 × 0.1 s) until the emulator has dropped the closed connection: a post to it answers 410 Gone.
    private func expectGone(_ connectionID: String, api: ConnectionEchoAPI, aws: EmulatorClients) async throws {
        let gateway = try aws.apiGateway(apiID: api.apiID, stage: api.stage)
        for _ in 0..<50 {
            // A plain catch: `catch where error.code == .gone` here crashes swift-frontend 6.3.1 (MandatoryAllocBoxToStack).
            do {
                try await gateway.postToConnection(connectionID: connectionID, data: [], logger: Emulator.logger)
            } catch {
                if error.code == .gone { return }
                throw error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the closed connection \(connectionID) is still open")
    }
}
