import Testing
import WorkerCore

@Suite("The recursion guard")
struct RecursionGuardTests {
    @Test(
        "refuses a destination bucket that is also a source without a prefix between them",
        arguments: [
            "source: {buckets: [photos]}\ndestination: {bucket: photos}",
            "source: {buckets: []}\ndestination: {bucket: thumbs}",
        ])
    func refuses(_ yaml: String) {
        #expect(configurationProblems(yaml).contains { $0.contains("thumbnails of its own thumbnails") })
    }

    @Test(
        "accepts separate buckets, or one bucket with a destination prefix",
        arguments: [
            "source: {buckets: [photos]}\ndestination: {bucket: thumbs}",
            "source: {buckets: [photos]}\ndestination: {bucket: photos, prefix: thumbs/}",
            "source: {buckets: []}\ndestination: {bucket: thumbs, prefix: t/}",
        ])
    func accepts(_ yaml: String) {
        #expect(configurationProblems(yaml).isEmpty)
    }
}
