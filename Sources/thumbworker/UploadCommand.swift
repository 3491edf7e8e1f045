import ArgumentParser
import Foundation
import LocalBackend
import WorkerCore

/// `thumbworker upload`: puts files into the local originals bucket and enqueues the S3 event S3 would send.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload files to the local originals bucket and enqueue their S3 events (local backend only).",
        discussion:
            "With queue.url set (SQS), upload with any S3 client instead: the bucket's notifications enqueue the events."
    )

    @Argument(help: "Image files to upload.")
    var files: [String]

    @Option(name: .long, help: "The bucket to upload to (default: the first of source.buckets).")
    var bucket: String?

    @Option(name: .long, help: "Prepended to each file name to make its key, e.g. 'in/'.")
    var prefix: String = ""

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    func run() async throws {
        let local = try LocalQueueAccess.open(
            config: config,
            sqsAdvice:
                "upload is for the local backend; queue.url is set, so upload with any S3 client and let the bucket's notifications enqueue the events"
        )
        let (configuration, queue) = (local.configuration, local.queue)
        let store = LocalFolderStore(root: configuration.storage.localRoot)
        let bucket = bucket ?? configuration.storage.sourceBuckets.first ?? "uploads"
        var failed = 0
        for file in files {
            let key = prefix + URL(fileURLWithPath: file).lastPathComponent
            do throws(WorkerError) {
                let body = try await LocalFolderStore().get(bucket: "", key: file, maxBytes: Int.max)
                let eTag = try await store.put(
                    ObjectUpload(
                        bucket: bucket, key: key, body: body,
                        contentType: "application/octet-stream", cacheControl: nil, metadata: [:]))
                let now = Date()
                try await queue.send(
                    body: S3EventNotification.objectCreated(
                        bucket: bucket, key: key, size: body.count, eTag: eTag, time: now,
                        sequencer: S3EventNotification.sequencer(at: now)))
                Terminal.standardOutput(
                    "uploaded \(file) → \(store.displayName(bucket: bucket, key: key)), event enqueued")
            } catch {
                failed += 1
                Terminal.standardError("thumbworker: \(file): \(error)")
            }
        }
        if failed > 0 {
            throw ExitCode(1)
        }
    }
}
