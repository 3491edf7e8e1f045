import Imaging
import Testing
import WorkerCore

@Suite("Worker errors carry their cause")
struct WorkerErrorTests {
    /// A transport failure as another module would report it.
    private struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connection refused\nby 127.0.0.1:9" }
    }

    @Test("an imaging failure is kept as the cause, and a failed notification still shows it on one line")
    func imagingCause() {
        let imaging = ImagingError(
            .corrupt, "the jpeg image cannot be decoded", libvipsMessage: "VipsJpeg: Premature end\nof input file\n")
        let error = WorkerError(imaging: imaging)
        #expect(error.cause as? ImagingError == imaging)
        #expect(error.code.description == "corrupt" && !error.isRetryable)
        #expect(error.message == "the jpeg image cannot be decoded")
        let failure = ThumbnailEvent.Failure(error)
        #expect(failure.code == "corrupt")
        #expect(
            failure.message
                == "corrupt: the jpeg image cannot be decoded (libvips: VipsJpeg: Premature end of input file)")
        #expect("\(error)" == failure.message)
    }

    @Test("any other cause follows the message, on one line")
    func otherCause() {
        let error = WorkerError(
            .storage, "GET s3://uploads/cat.jpg failed", retryable: true, cause: ConnectionRefused())
        #expect(error.cause is ConnectionRefused)
        #expect(error.explanation == "GET s3://uploads/cat.jpg failed (connection refused by 127.0.0.1:9)")
        #expect("\(error)" == "storage: GET s3://uploads/cat.jpg failed (connection refused by 127.0.0.1:9)")
        #expect(ThumbnailEvent.Failure(error).retryable)
        #expect(
            WorkerError(.notFound, "s3://uploads/cat.jpg does not exist").explanation
                == "s3://uploads/cat.jpg does not exist")
    }
}
