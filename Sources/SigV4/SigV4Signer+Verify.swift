package import Foundation

extension SigV4Signer {
    /// How far ahead of the verifier's clock a presigned request's `X-Amz-Date` may be, in seconds.
    private static let allowedClockSkew: TimeInterval = 15 * 60

    /// Checks, as S3 would, that a request (URL and headers as received) was presigned by this signer and is valid now.
    ///
    /// In order: the authentication parameters are there and well formed; the scope, access key and session token
    /// are this signer's; `now` is at most 15 minutes before `X-Amz-Date` and at most `X-Amz-Expires` after it; every
    /// signed header is sent and every `host` or `x-amz-*` header sent is signed; the signature, computed as
    /// `presignedURL` computes it with `UNSIGNED-PAYLOAD`, matches.
    package func verifyPresigned(
        method: String,
        url: URL,
        headers: [HTTPHeader],
        now: Date
    ) throws(PresignedRequestRefusal) {
        let parameters = CanonicalRequest.parameters(fromQuery: url.query(percentEncoded: true))
        let authorization = try QueryAuthorization(parameters)
        try checkScope(of: authorization)
        try checkValidity(of: authorization, at: now)
        let signedHeaders = try Self.signedHeaders(headers, namedIn: authorization)
        let signedParameters = parameters.filter { parameter in
            parameter.name != "X-Amz-Signature"
                && (options.signsSessionToken || parameter.name != "X-Amz-Security-Token")
        }
        let (_, signature) = signQuery(
            method: method,
            path: url.path(percentEncoded: true),
            parameters: signedParameters,
            headers: CanonicalHeaders(signedHeaders),
            payload: .unsigned,
            time: authorization.time
        )
        guard Self.constantTimeEquals(signature.value, authorization.signature) else {
            throw .signatureDoesNotMatch(signedHeaders: authorization.signedHeaders)
        }
    }

    /// Refuses a credential for another region, service or access key, and a session token not the credentials' own.
    private func checkScope(of authorization: QueryAuthorization) throws(PresignedRequestRefusal) {
        guard authorization.region == region else {
            throw .wrongScope(
                "Error parsing the X-Amz-Credential parameter; the region '\(authorization.region)' is wrong; "
                    + "expecting '\(region)'.",
                region: region,
                service: service
            )
        }
        guard authorization.service == service else {
            throw .wrongScope(
                "Error parsing the X-Amz-Credential parameter; incorrect service '\(authorization.service)'. "
                    + "This endpoint belongs to '\(service)'.",
                region: region,
                service: service
            )
        }
        guard authorization.accessKeyID == credentials.accessKeyID else {
            throw .invalidAccessKeyID(authorization.accessKeyID)
        }
        switch (authorization.sessionToken, credentials.sessionToken) {
        case (nil, nil):
            break
        case (let sent?, let expected?):
            guard Self.constantTimeEquals(sent, expected) else {
                throw .invalidToken("X-Amz-Security-Token is not the session token of this server's credentials.")
            }
        case (nil, _?):
            throw .invalidToken("the URL lacks X-Amz-Security-Token, which these temporary credentials require.")
        case (_?, nil):
            throw .invalidToken("the URL carries X-Amz-Security-Token, but these credentials have no session token.")
        }
    }

    /// Refuses a request more than `allowedClockSkew` before its `X-Amz-Date` or past its expiry.
    private func checkValidity(of authorization: QueryAuthorization, at now: Date) throws(PresignedRequestRefusal) {
        guard now >= authorization.date.addingTimeInterval(-Self.allowedClockSkew) else {
            throw .notYetValid(timestamp: authorization.time.timestamp)
        }
        let expiry = authorization.date.addingTimeInterval(TimeInterval(authorization.expiresInSeconds))
        guard now <= expiry else {
            throw .expired(
                timestamp: authorization.time.timestamp,
                expiresInSeconds: authorization.expiresInSeconds,
                until: SigningTime(expiry).timestamp
            )
        }
    }

    /// The request's headers that `X-Amz-SignedHeaders` names, refusing a request that lacks one of them or sends
    /// a `host` or `x-amz-*` header it does not name (`x-amz-content-sha256` may go unsigned, as S3 allows).
    private static func signedHeaders(
        _ headers: [HTTPHeader],
        namedIn authorization: QueryAuthorization
    ) throws(PresignedRequestRefusal) -> [HTTPHeader] {
        let signedNames = Set(authorization.signedHeaderNames)
        let sentNames = Set(headers.map { $0.name.lowercased() })
        if let absent = authorization.signedHeaderNames.first(where: { !sentNames.contains($0) }) {
            throw .missingSignedHeader(absent, signedHeaders: authorization.signedHeaders)
        }
        let unsigned = sentNames.filter(Self.mustBeSigned).union(["host"]).subtracting(signedNames)
        guard unsigned.isEmpty else {
            throw .unsignedHeaders(unsigned.sorted())
        }
        return headers.filter { signedNames.contains($0.name.lowercased()) }
    }

    /// Whether S3 refuses a presigned request that sends the header `lowercasedName` without signing it.
    private static func mustBeSigned(_ lowercasedName: String) -> Bool {
        lowercasedName == "host" || (lowercasedName.hasPrefix("x-amz-") && lowercasedName != "x-amz-content-sha256")
    }

    /// Compares two texts in time that depends on their length only, so a forger learns nothing from the timing.
    private static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let lhsBytes = Array(lhs.utf8)
        let rhsBytes = Array(rhs.utf8)
        guard lhsBytes.count == rhsBytes.count else { return false }
        return zip(lhsBytes, rhsBytes).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The authentication parameters of a presigned request's query, checked for form but not for authenticity.
private struct QueryAuthorization {
    /// The access key of `X-Amz-Credential`.
    let accessKeyID: String
    /// The region of the credential scope.
    let region: String
    /// The service of the credential scope.
    let service: String
    /// The instant of `X-Amz-Date`.
    let date: Date
    /// `X-Amz-Date` as sent, with its day.
    let time: SigningTime
    /// `X-Amz-Expires`, from 1 to 604800.
    let expiresInSeconds: Int64
    /// `X-Amz-SignedHeaders` as sent.
    let signedHeaders: String
    /// The lower-case names of `X-Amz-SignedHeaders`, in order.
    let signedHeaderNames: [String]
    /// `X-Amz-Signature`, 64 lower-case hex digits.
    let signature: String
    /// `X-Amz-Security-Token`, when sent.
    let sessionToken: String?

    /// The parameters S3 requires of every presigned request.
    private static let requiredNames = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
    ]

    /// Reads the authentication parameters out of the query's decoded `parameters`.
    init(_ parameters: [CanonicalRequest.QueryParameter]) throws(PresignedRequestRefusal) {
        var values: [String: String] = [:]
        for parameter in parameters
        where Self.requiredNames.contains(parameter.name) || parameter.name == "X-Amz-Security-Token" {
            guard values.updateValue(parameter.value, forKey: parameter.name) == nil else {
                throw .malformedParameter("\(parameter.name) appears more than once in the query.")
            }
        }
        let missing = Self.requiredNames.filter { values[$0] == nil }
        guard missing.isEmpty else {
            throw .missingParameters(missing)
        }
        let algorithm = values["X-Amz-Algorithm", default: ""]
        guard algorithm == "AWS4-HMAC-SHA256" else {
            throw .malformedParameter("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", not '\(algorithm)'.")
        }

        let timestamp = values["X-Amz-Date", default: ""]
        guard let date = SigningTime.date(parsing: timestamp) else {
            throw .malformedParameter(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not '\(timestamp)'.")
        }
        self.date = date
        time = SigningTime(date)

        let scope = values["X-Amz-Credential", default: ""].split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, !scope.contains(where: \.isEmpty) else {
            throw .malformedParameter(
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                    + "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard scope[1] == time.day else {
            throw .malformedParameter(
                "Invalid credential date '\(scope[1])'. Date is not the same as X-Amz-Date (\(timestamp)).")
        }
        guard scope[4] == "aws4_request" else {
            throw .malformedParameter(
                "Error parsing the X-Amz-Credential parameter; incorrect terminal '\(scope[4])'. "
                    + "This endpoint uses 'aws4_request'.")
        }
        accessKeyID = String(scope[0])
        region = String(scope[2])
        service = String(scope[3])

        let expires = values["X-Amz-Expires", default: ""]
        guard expires.utf8.allSatisfy(Self.isDigit), let seconds = Int64(expires),
            (1...SigV4Signer.longestPresignedValidity).contains(seconds)
        else {
            throw .malformedParameter(
                "X-Amz-Expires must be a whole number of seconds from 1 to \(SigV4Signer.longestPresignedValidity) "
                    + "(7 days), not '\(expires)'.")
        }
        expiresInSeconds = seconds

        signedHeaders = values["X-Amz-SignedHeaders", default: ""]
        signedHeaderNames = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !signedHeaderNames.contains(where: \.isEmpty),
            signedHeaderNames == signedHeaderNames.map({ $0.lowercased() }),
            zip(signedHeaderNames, signedHeaderNames.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw .malformedParameter(
                "X-Amz-SignedHeaders must be lower-case header names, sorted, each once, separated by ';', "
                    + "not '\(signedHeaders)'.")
        }

        signature = values["X-Amz-Signature", default: ""]
        guard signature.utf8.count == 64, signature.utf8.allSatisfy(Self.isLowercaseHexDigit) else {
            throw .malformedParameter("X-Amz-Signature must be 64 lower-case hexadecimal digits.")
        }
        sessionToken = values["X-Amz-Security-Token"]
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
