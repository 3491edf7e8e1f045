import AWSClients
import Testing

@Suite("AWS errors read well in logs")
struct AWSErrorDescriptionTests {
    @Test("the description names the code, the service's code, the status and the request id")
    func description() {
        let error = AWSError(
            .service, "the key does not exist", serviceCode: "NoSuchKey", statusCode: 404,
            requestID: "ABC123", retryable: false)
        #expect(error.description == "service NoSuchKey HTTP 404: the key does not exist [request id ABC123]")
        #expect(AWSError(.throttled, "slow down", retryable: true).description == "throttled: slow down")
    }
}
