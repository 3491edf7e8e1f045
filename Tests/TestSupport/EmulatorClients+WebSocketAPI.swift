import AWSClients
package import Foundation
import SigV4
import Testing

/// A WEBSOCKET API on the emulator whose `$default` route answers every message with the sender's own connection id
/// (a Python Lambda proxy integration returning `requestContext.connectionId`), as a browser app learns its id.
package struct ConnectionEchoAPI: Sendable {
    /// The API's id.
    package let apiID: String
    /// The stage clients connect to.
    package let stage: String

    /// `ws://127.0.0.1:PORT/_aws/execute-api/API/STAGE`, where ministack serves the API's websocket.
    package let connectURL: URL
    /// The stage's management endpoint, `http://127.0.0.1:PORT/_aws/execute-api/API/STAGE` (what the worker's
    /// websocket notifier is configured with).
    package let managementURL: URL

    /// Connects a client, learns its connection id (one round trip through the route), and runs `body` with both; the
    /// connection is closed when `body` returns or throws.
    package func connect<Result: Sendable>(_ body: (WebSocketTestClient, String) async throws -> Result) async throws
        -> Result
    {
        try await WebSocketTestClient.connect(to: connectURL) { client in
            try await client.send(#"{"action":"whoami"}"#)
            let answer = try await client.take(1)
            let connectionID = try #require(answer.first, "the $default route answered with the connection id")
            return try await body(client, connectionID)
        }
    }
}

extension EmulatorClients {
    /// Lambda, for the echo function.
    private static let lambda = AWSService(signingName: "lambda", endpointPrefix: "lambda", environmentID: "LAMBDA")
    /// API Gateway's control plane (v2 for WebSocket APIs).
    private static let apiGateway = AWSService(
        signingName: "apigateway", endpointPrefix: "apigateway", environmentID: "API_GATEWAY")

    /// Creates a `ConnectionEchoAPI` with a deployed stage `test`: an execution role, the echo Lambda, the API, its
    /// integration and `$default` route (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api.html).
    package func makeConnectionEchoAPI() async throws -> ConnectionEchoAPI {
        let role = try await client.callQuery(
            action: "CreateRole",
            version: "2010-05-08",
            parameters: [
                (name: "RoleName", value: Emulator.uniqueName("echo-role")),
                (
                    name: "AssumeRolePolicyDocument",
                    value: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                        + #""Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                ),
            ],
            endpoint: try Emulator.endpoint(Emulator.iam),
            logger: Emulator.logger
        )
        struct FunctionCode: Encodable {
            let ZipFile: String
        }
        struct Function: Encodable {
            let FunctionName: String
            let Runtime = "python3.12"
            let Handler = "index.handler"
            let Role: String
            let Code: FunctionCode
        }
        struct CreatedFunction: Decodable {
            let FunctionArn: String
        }
        let source = """
            def handler(event, context):
                return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}

            """
        let package = ZipArchive.storing(Array(source.utf8), as: "index.py")
        let function: CreatedFunction = try await post(
            Self.lambda, "Lambda.CreateFunction", path: "/2015-03-31/functions",
            Function(
                FunctionName: Emulator.uniqueName("connection-echo"), Role: try role.requiredText("Arn"),
                Code: FunctionCode(ZipFile: Data(package).base64EncodedString())))

        struct API: Encodable {
            let name: String
            let protocolType: String
            let routeSelectionExpression: String
        }
        struct CreatedAPI: Decodable {
            let apiId: String
        }
        struct Integration: Encodable {
            let integrationType = "AWS_PROXY"
            let integrationUri: String
        }
        struct CreatedIntegration: Decodable {
            let integrationId: String
        }
        struct Route: Encodable {
            let routeKey = "$default"
            let target: String
        }
        struct Stage: Encodable {
            let stageName: String
        }
        let api: CreatedAPI = try await post(
            Self.apiGateway, "ApiGatewayV2.CreateApi", path: "/v2/apis",
            API(
                name: Emulator.uniqueName("connections"), protocolType: "WEBSOCKET",
                routeSelectionExpression: "$request.body.action"))
        let integration: CreatedIntegration = try await post(
            Self.apiGateway, "ApiGatewayV2.CreateIntegration", path: "/v2/apis/\(api.apiId)/integrations",
            Integration(integrationUri: function.FunctionArn))
        let _: EmptyAnswer = try await post(
            Self.apiGateway, "ApiGatewayV2.CreateRoute", path: "/v2/apis/\(api.apiId)/routes",
            Route(target: "integrations/\(integration.integrationId)"))
        let stage = "test"
        let _: EmptyAnswer = try await post(
            Self.apiGateway, "ApiGatewayV2.CreateStage", path: "/v2/apis/\(api.apiId)/stages", Stage(stageName: stage))
        let managementURL = try #require(Emulator.url).appending(path: "_aws/execute-api/\(api.apiId)/\(stage)")
        var components = try #require(URLComponents(url: managementURL, resolvingAgainstBaseURL: false))
        components.scheme = "ws"
        return ConnectionEchoAPI(
            apiID: api.apiId, stage: stage, connectURL: try #require(components.url), managementURL: managementURL)
    }

    /// POSTs `input` as JSON to `path` of a REST-JSON service on the emulator and decodes the answer.
    private func post<Output: Decodable>(
        _ service: AWSService, _ operation: String, path: String, _ input: some Encodable
    )
        async throws -> Output
    {
        let endpoint = try Emulator.endpoint(service)
        let response = try await client.send(
            AWSHTTPRequest(
                method: "POST",
                url: endpoint.url(path: path),
                headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                body: Array(try JSONEncoder().encode(input))
            ),
            to: endpoint,
            operation: operation,
            logger: Emulator.logger
        )
        return try JSONDecoder().decode(Output.self, from: Data(response.body))
    }
}
