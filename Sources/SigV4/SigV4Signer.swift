import Crypto
package import Foundation

/// Signs AWS requests with Signature Version 4, in the `Authorization` header or as a presigned URL
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
///
/// A plain value: the date is passed to every call, so tests and retries choose the instant signed.
package struct SigV4Signer: Sendable {
    /// The keys that sign.
    package var credentials: Credentials
    /// The service's signing name (`s3`, `sqs`, `sns`, `dynamodb`, `execute-api`).
    package var service: String
    /// The region the request goes to, such as `us-east-1`.
    package var region: String
    /// Where the service departs from the standard algorithm: `.s3` for S3, `.standard` for the others.
    package var options: Options

    /// Makes a signer for one service in one region.
    package init(credentials: Credentials, service: String, region: String, options: Options = .standard) {
        self.credentials = credentials
        self.service = service
        self.region = region
        self.options = options
    }

    /// Returns `headers` plus the headers that authenticate the request: `host` (unless given), `X-Amz-Date`,
    /// `x-amz-content-sha256` (when `options` says so), `X-Amz-Security-Token` (temporary credentials) and
    /// `Authorization`. Earlier values of those headers are replaced, so a retry can sign its headers again.
    ///
    /// Every header in `headers` is signed: pass only headers the HTTP client sends unchanged.
    package func signedHeaders(
        method: String,
        url: URL,
        headers: [HTTPHeader],
        payload: PayloadHash,
        date: Date
    ) throws(SigV4Error) -> [HTTPHeader] {
        authorize(method: method, target: try RequestTarget(url: url), headers: headers, payload: payload, date: date)
            .headers
    }

    /// Signs for the `Authorization` header, returning the intermediate texts with the headers.
    func authorize(
        method: String,
        target: RequestTarget,
        headers: [HTTPHeader],
        payload: PayloadHash,
        date: Date
    ) -> (headers: [HTTPHeader], signature: Signature) {
        let time = SigningTime(date)
        let sessionToken = credentials.sessionToken.map { HTTPHeader(name: "X-Amz-Security-Token", value: $0) }
        var signerHeaders = [HTTPHeader(name: "X-Amz-Date", value: time.timestamp)]
        if options.sendsPayloadHashHeader {
            signerHeaders.append(HTTPHeader(name: "x-amz-content-sha256", value: payload.value))
        }
        if options.signsSessionToken, let sessionToken {
            signerHeaders.append(sessionToken)
        }
        let replacedNames = Set(signerHeaders.map { $0.name.lowercased() } + ["authorization", "x-amz-security-token"])
        let signed = withHost(headers.filter { !replacedNames.contains($0.name.lowercased()) }, target) + signerHeaders
        let canonicalHeaders = CanonicalHeaders(signed)
        let request = CanonicalRequest(
            method: method,
            path: target.path,
            pathEncoding: options.pathEncoding,
            parameters: CanonicalRequest.parameters(fromQuery: target.query),
            headers: canonicalHeaders,
            payloadHash: payload
        )
        let signature = sign(request, at: time)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(credentialScope(time)), "
            + "SignedHeaders=\(canonicalHeaders.names), Signature=\(signature.value)"
        var result = signed + [HTTPHeader(name: "Authorization", value: authorization)]
        if !options.signsSessionToken, let sessionToken {
            result.append(sessionToken)
        }
        return (result, signature)
    }

    /// The signature and the texts it was computed from, kept so tests can compare each step with the AWS suite.
    struct Signature {
        /// The canonical request, as hashed.
        let canonicalRequest: String
        /// The string to sign: algorithm, timestamp, credential scope and the canonical request's hash.
        let stringToSign: String
        /// The lower-case hex HMAC of the string to sign.
        let value: String
    }

    /// Hashes `request` into the string to sign and signs that with the key derived for the day.
    func sign(_ request: CanonicalRequest, at time: SigningTime) -> Signature {
        let canonicalRequest = request.text
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            time.timestamp,
            credentialScope(time),
            SHA256.hash(data: Array(canonicalRequest.utf8)).lowercaseHex,
        ].joined(separator: "\n")
        let value = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: time.day))
            .lowercaseHex
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, value: value)
    }

    /// `day/region/service/aws4_request`, the scope the signing key is valid for.
    func credentialScope(_ time: SigningTime) -> String {
        "\(time.day)/\(region)/\(service)/aws4_request"
    }

    /// `headers` with a `host` header from the URL appended unless one is there already.
    func withHost(_ headers: [HTTPHeader], _ target: RequestTarget) -> [HTTPHeader] {
        headers.contains { $0.name.lowercased() == "host" }
            ? headers : headers + [HTTPHeader(name: "host", value: target.host)]
    }

    /// Derives the key for one day, region and service from the secret
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key).
    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for scopePart in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(scopePart.utf8), using: key))
        }
        return key
    }
}
