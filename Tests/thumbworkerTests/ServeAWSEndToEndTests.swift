import AWSClients
import Foundation
import SigV4
import TestSupport
import Testing

@Suite("thumbworker serve on AWS (the emulator): DynamoDB catalog, presigned S3 uploads, the worker in process")
struct ServeAWSEndToEndTests {
    @Test("a group and an image made through the API, the original PUT to S3 by its URL, thumbnails ready, deleted")
    func wholeFlow() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.make(aws)
            let tables = try await aws.makeCatalogTables()
            let configuration = wiring.folder.appendingPathComponent("worker.conf")
            let serveSection = "serve:\n  groups_table: \(tables.groups)\n  images_table: \(tables.images)\n"
            try (try String(contentsOf: configuration, encoding: .utf8) + serveSection).write(
                to: configuration, atomically: true, encoding: .utf8)
            let port = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
            let server = try RunningCommand(
                ["serve", "--config", "worker.conf", "--port", "\(port)"], in: wiring.folder,
                environment: wiring.environment)
            try await server.killedOnFailure {
                #expect(try await firstAnswer("/groups", port: port).status == 200)
                let json = [HTTPHeader(name: "Content-Type", value: "application/json")]
                let group = try jsonObject(
                    try await localRequest(
                        "POST", "/groups", port: port, headers: json, body: Array(#"{"name":"trip"}"#.utf8)
                    ).body)
                let groupID = try #require(group["id"] as? String)
                let image = try jsonObject(
                    try await localRequest(
                        "POST", "/groups/\(groupID)/images", port: port, headers: json,
                        body: Array(#"{"title":"beach","contentType":"image/jpeg"}"#.utf8)
                    ).body)
                let imageID = try #require(image["id"] as? String)
                let key = try #require(image["objectKey"] as? String)
                let uploadText = try #require(image["uploadUrl"] as? String)
                let upload = try #require(URL(string: uploadText))
                #expect(upload.query?.contains("X-Amz-Signature=") == true && upload.path.hasSuffix(key))

                let put = try await localRequest(
                    "PUT", upload.path + "?" + (upload.query ?? ""), port: try #require(upload.port),
                    headers: [HTTPHeader(name: "Content-Type", value: "image/jpeg")],
                    body: try Testdata.bytes("landscape.jpg"))
                #expect(put.status == 200, "\(String(decoding: put.body, as: UTF8.self))")

                var item: [String: Any] = [:]
                for _ in 0..<300 where item["status"] as? String != "ready" {
                    try await Task.sleep(for: .milliseconds(100))
                    item = try jsonObject(try await localRequest("GET", "/images/\(imageID)", port: port).body)
                }
                #expect(item["status"] as? String == "ready", "\(item)")
                let thumbnails = try #require(item["thumbnails"] as? [[String: Any]])
                #expect(thumbnails.count == RunEndToEndTests.renditions.count)
                for thumbnail in thumbnails {
                    let thumbnailKey = try #require(thumbnail["key"] as? String)
                    _ = try await aws.s3.headObject(
                        bucket: wiring.thumbnails, key: thumbnailKey, logger: Emulator.logger)
                }
                let listed = try jsonObject(try await localRequest("GET", "/groups/\(groupID)/images", port: port).body)
                #expect((listed["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [imageID])

                let deleted = try await localRequest("DELETE", "/images/\(imageID)", port: port)
                #expect(deleted.status == 204)
                #expect(try await localRequest("GET", "/images/\(imageID)", port: port).status == 404)
                await #expect(throws: AWSError.self) {
                    _ = try await aws.s3.headObject(bucket: wiring.uploads, key: key, logger: Emulator.logger)
                }
                server.send(SIGTERM)
                #expect(try await server.result().status == 0)
            }
        }
    }
}
