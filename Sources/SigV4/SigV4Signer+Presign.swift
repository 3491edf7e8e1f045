package import Foundation

extension SigV4Signer {
    /// The longest time a presigned URL may stay valid: seven days, in seconds.
    static let longestPresignedValidity: Int64 = 604_800

    /// Returns `url` with query parameters that authenticate the request until `date + expires`, for a client
    /// that cannot send an `Authorization` header (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
    ///
    /// `headers` are signed too (`host` is added unless given), so the client must send them unchanged. For S3 pass
    /// `payload: .unsigned`. `expires` is whole seconds from 1 second to 7 days.
    package func presignedURL(
        method: String,
        url: URL,
        headers: [HTTPHeader] = [],
        payload: PayloadHash,
        expires: Duration,
        date: Date
    ) throws(SigV4Error) -> URL {
        let seconds = expires.components.seconds
        guard (1...Self.longestPresignedValidity).contains(seconds) else {
            throw .expiryOutOfRange(seconds: seconds)
        }
        let target = try RequestTarget(url: url)
        let (query, _) = presignedQuery(
            method: method,
            target: target,
            headers: headers,
            payload: payload,
            expiresInSeconds: seconds,
            date: date
        )
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            preconditionFailure("a URL with a host always splits into components")
        }
        components.percentEncodedQuery = query
        guard let presigned = components.url else {
            preconditionFailure("a query of percent-encoded parameters always makes a valid URL")
        }
        return presigned
    }

    /// Signs for the query string, returning the complete percent-encoded query with the intermediate texts.
    func presignedQuery(
        method: String,
        target: RequestTarget,
        headers: [HTTPHeader],
        payload: PayloadHash,
        expiresInSeconds: Int64,
        date: Date
    ) -> (query: String, signature: Signature) {
        let time = SigningTime(date)
        let canonicalHeaders = CanonicalHeaders(withHost(headers, target))
        var parameters =
            CanonicalRequest.parameters(fromQuery: target.query) + [
                (name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"),
                (name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(credentialScope(time))"),
                (name: "X-Amz-Date", value: time.timestamp),
                (name: "X-Amz-Expires", value: String(expiresInSeconds)),
                (name: "X-Amz-SignedHeaders", value: canonicalHeaders.names),
            ]
        if options.signsSessionToken, let sessionToken = credentials.sessionToken {
            parameters.append((name: "X-Amz-Security-Token", value: sessionToken))
        }
        let (request, signature) = signQuery(
            method: method,
            path: target.path,
            parameters: parameters,
            headers: canonicalHeaders,
            payload: payload,
            time: time
        )
        var query = "\(request.query)&X-Amz-Signature=\(signature.value)"
        if !options.signsSessionToken, let sessionToken = credentials.sessionToken {
            query += "&X-Amz-Security-Token=\(URIEncoding.encode(sessionToken, preservingSlashes: false))"
        }
        return (query, signature)
    }

    /// Builds and signs the canonical request of a query-signed request: one path for presigning and verifying.
    func signQuery(
        method: String,
        path: String,
        parameters: [CanonicalRequest.QueryParameter],
        headers: CanonicalHeaders,
        payload: PayloadHash,
        time: SigningTime
    ) -> (request: CanonicalRequest, signature: Signature) {
        let request = CanonicalRequest(
            method: method,
            path: path,
            pathEncoding: options.pathEncoding,
            parameters: parameters,
            headers: headers,
            payloadHash: payload
        )
        return (request, sign(request, at: time))
    }
}
