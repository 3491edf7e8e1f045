import Foundation
import TestSupport

@testable import AWSClients

/// Answers like EC2 instance metadata (IMDSv2): a session token for a `PUT` that asks for a lifetime, then the role
/// name and the role's credentials only to requests that carry that token (401 otherwise, as EC2 does).
enum FakeInstanceMetadata {
    /// The instance's role.
    static let role = "thumbworker-instance"
    /// Where the role is listed.
    static let rolesPath = "/latest/meta-data/iam/security-credentials/"

    /// A handler serving `document` as the role's credentials.
    static func handler(document: String) -> @Sendable (RecordedRequest) async -> CannedResponse {
        { request in
            if request.method == "PUT" && request.path == "/latest/api/token" {
                let lifetime = request.header("X-aws-ec2-metadata-token-ttl-seconds").flatMap(Int.init)
                guard let lifetime, (1...21600).contains(lifetime) else { return CannedResponse(status: 400) }
                return CannedResponse(body: TestSecrets.metadataToken)
            }
            guard request.method == "GET" else { return CannedResponse(status: 405) }
            guard request.header("X-aws-ec2-metadata-token") == TestSecrets.metadataToken else {
                return CannedResponse(status: 401)
            }
            switch request.path {
            case rolesPath: return CannedResponse(body: role)
            case rolesPath + role: return CannedResponse(body: document)
            default: return CannedResponse(status: 404)
            }
        }
    }
}

/// Answers like the ECS/EKS container credentials endpoint: `GET` on one path, `Authorization` checked.
enum FakeContainerEndpoint {
    /// The credentials path.
    static let path = "/v2/credentials/7a0c1a3e-task"

    /// A provider aimed at `path` on `server` by `AWS_CONTAINER_CREDENTIALS_FULL_URI`, sending the test authorization
    /// token unless `authorized` is false; `extra` adds or overrides variables.
    static func provider(
        on server: LoopbackServer, path: String = path, transport: any AWSTransport, authorized: Bool = true,
        extra: [String: String] = [:]
    ) -> ContainerCredentialProvider {
        var environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + path]
        if authorized { environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = TestSecrets.authorizationToken }
        // A generous timeout: a loaded test machine must not turn the endpoint's answer into a timeout.
        return ContainerCredentialProvider(
            transport: transport, environment: environment.merging(extra) { $1 }, timeout: .seconds(60), logger: .quiet)
    }

    /// A handler that requires `authorization` (401 without it) and serves `document(n)` on its n-th hit (from 1),
    /// after `waitBeforeAnswering` returns.
    static func handler(
        authorization: String = TestSecrets.authorizationToken,
        waitBeforeAnswering: @escaping @Sendable () async -> Void = {},
        document: @escaping @Sendable (Int) -> String
    ) -> @Sendable (RecordedRequest) async -> CannedResponse {
        let hits = Locked(0)
        return { request in
            guard request.method == "GET", request.path == path else { return CannedResponse(status: 404) }
            guard request.header("Authorization") == authorization else { return CannedResponse(status: 401) }
            let hit = hits.withLock { hits in
                hits += 1
                return hits
            }
            await waitBeforeAnswering()
            return CannedResponse(body: document(hit))
        }
    }
}

/// Answers like STS's query protocol for `AssumeRoleWithWebIdentity`: a form `POST` to `/`, every field checked.
enum FakeSTS {
    /// The role the tests assume.
    static let roleARN = "arn:aws:iam::123456789012:role/thumbworker-irsa"
    /// The request id in every answer.
    static let requestID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

    /// A handler that issues credentials whose key id is `accessKeyID(n)` on the n-th valid request (from 1) when the
    /// form carries `expectedToken()`; a wrong token gets `InvalidIdentityToken`, quoting the token as STS sometimes does.
    static func handler(
        expectedToken: @escaping @Sendable () -> String = { TestSecrets.webIdentityToken },
        expiration: String,
        accessKeyID: @escaping @Sendable (Int) -> String = { "ASIASTS\($0)" }
    ) -> @Sendable (RecordedRequest) async -> CannedResponse {
        let issued = Locked(0)
        return { request in
            guard request.method == "POST", request.path == "/" else { return CannedResponse(status: 404) }
            guard request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true else {
                return error(400, "ValidationError", "not a form")
            }
            let form = formFields(request.body)
            for (field, value) in [
                ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ]
            where form[field] != value {
                return error(400, "ValidationError", "bad \(field)")
            }
            guard let session = form["RoleSessionName"], (2...64).contains(session.count) else {
                return error(400, "ValidationError", "bad RoleSessionName")
            }
            guard form["WebIdentityToken"] == expectedToken() else {
                return error(400, "InvalidIdentityToken", "Token \(form["WebIdentityToken"] ?? "") is not valid")
            }
            let number = issued.withLock { issued in
                issued += 1
                return issued
            }
            return CannedResponse(body: success(accessKeyID: accessKeyID(number), expiration: expiration))
        }
    }

    /// The fields of an `application/x-www-form-urlencoded` body.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    private static func success(accessKeyID: String, expiration: String) -> String {
        """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>system:serviceaccount:media:thumbworker</SubjectFromWebIdentityToken>
            <Audience>sts.amazonaws.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/thumbworker-irsa/session</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:session</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>\(TestSecrets.sessionToken)</SessionToken>
              <SecretAccessKey>\(TestSecrets.secretAccessKey)</SecretAccessKey>
              <Expiration>\(expiration)</Expiration>
              <AccessKeyId>\(accessKeyID)</AccessKeyId>
            </Credentials>
            <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            <RequestId>\(requestID)</RequestId>
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """
    }

    private static func error(_ status: Int, _ code: String, _ message: String) -> CannedResponse {
        CannedResponse(
            status: status,
            body: """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
                  <RequestId>\(requestID)</RequestId>
                </ErrorResponse>
                """
        )
    }
}
