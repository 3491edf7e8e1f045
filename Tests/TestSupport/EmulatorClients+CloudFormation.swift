package import AWSClients
import Foundation
package import SigV4
import Testing

extension Emulator {
    /// CloudFormation, which ministack serves at the same endpoint as every other service.
    package static let cloudFormation = AWSService(
        signingName: "cloudformation", endpointPrefix: "cloudformation", environmentID: "CLOUDFORMATION")

    /// Makes an IAM user through `client` holding the managed policies `policyARNs` and the inline policies
    /// `inlinePolicies` (name → JSON document), and returns its new access key.
    ///
    /// ministack verifies signatures and evaluates policies only for keys made through its IAM API (`AUTH=true`).
    package static func makeIAMUser(
        client: AWSClient, policyARNs: [String] = [], inlinePolicies: [String: String] = [:]
    ) async throws -> Credentials {
        let user = uniqueName("thumbworker-test")
        _ = try await iamCall(client: client, "CreateUser", [(name: "UserName", value: user)])
        for arn in policyARNs {
            _ = try await iamCall(
                client: client, "AttachUserPolicy", [(name: "UserName", value: user), (name: "PolicyArn", value: arn)])
        }
        for (name, document) in inlinePolicies.sorted(by: { $0.key < $1.key }) {
            _ = try await iamCall(
                client: client, "PutUserPolicy",
                [
                    (name: "UserName", value: user), (name: "PolicyName", value: name),
                    (name: "PolicyDocument", value: document),
                ])
        }
        let key = try await iamCall(client: client, "CreateAccessKey", [(name: "UserName", value: user)])
        return Credentials(
            accessKeyID: try key.requiredText("AccessKeyId"), secretAccessKey: try key.requiredText("SecretAccessKey"))
    }

    /// One call of IAM's query API.
    private static func iamCall(
        client: AWSClient, _ action: String, _ parameters: [(name: String, value: String)]
    ) async throws -> XMLTree {
        try await client.callQuery(
            action: action, version: "2010-05-08", parameters: parameters, endpoint: try endpoint(iam), logger: logger)
    }
}

/// A CloudFormation stack that reached `CREATE_COMPLETE`, with its outputs.
package struct DeployedStack: Sendable {
    /// The stack's name.
    package let name: String
    /// Its outputs, by `OutputKey`.
    package let outputs: [String: String]

    /// The output `key`; the test fails when the stack has none.
    package func output(_ key: String) throws -> String {
        try #require(outputs[key], "the stack's output \(key) (it has \(outputs.keys.sorted()))")
    }
}

extension EmulatorClients {
    /// Creates stack `name` from `template` with `parameters` (and `CAPABILITY_NAMED_IAM`), and waits (bounded:
    /// `polls` DescribeStacks half a second apart) until it is `CREATE_COMPLETE`; the test fails with the failed
    /// resources' reasons when it ends in any other state.
    package func deployStack(
        name: String, template: String, parameters: [String: String], polls: Int = 240
    ) async throws -> DeployedStack {
        var form: [(name: String, value: String)] = [
            (name: "StackName", value: name), (name: "TemplateBody", value: template),
            (name: "Capabilities.member.1", value: "CAPABILITY_NAMED_IAM"),
        ]
        for (index, parameter) in parameters.sorted(by: { $0.key < $1.key }).enumerated() {
            form.append((name: "Parameters.member.\(index + 1).ParameterKey", value: parameter.key))
            form.append((name: "Parameters.member.\(index + 1).ParameterValue", value: parameter.value))
        }
        _ = try await cloudFormation("CreateStack", form)
        var status = ""
        for _ in 0..<polls {
            let stack = try #require(
                try await cloudFormation("DescribeStacks", [(name: "StackName", value: name)]).first("Stacks")?
                    .child("member"))
            status = try stack.requiredText("StackStatus")
            if status == "CREATE_COMPLETE" {
                let members = stack.child("Outputs")?.children ?? []
                let outputs = members.compactMap { member -> (String, String)? in
                    guard let key = member.child("OutputKey")?.text else { return nil }
                    return (key, member.child("OutputValue")?.text ?? "")
                }
                return DeployedStack(name: name, outputs: Dictionary(outputs) { $1 })
            }
            if !status.hasSuffix("_IN_PROGRESS") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let events = try await cloudFormation("DescribeStackEvents", [(name: "StackName", value: name)])
        let failures = (events.first("StackEvents")?.children ?? []).filter {
            $0.child("ResourceStatus")?.text.hasSuffix("_FAILED") == true
        }.map { "\($0.child("LogicalResourceId")?.text ?? "?"): \($0.child("ResourceStatusReason")?.text ?? "")" }
        Issue.record("stack \(name) is \(status), not CREATE_COMPLETE: \(failures)")
        throw CancellationError()
    }

    /// One call of CloudFormation's query API.
    private func cloudFormation(_ action: String, _ parameters: [(name: String, value: String)]) async throws
        -> XMLTree
    {
        try await client.callQuery(
            action: action, version: "2010-05-15", parameters: parameters,
            endpoint: try Emulator.endpoint(Emulator.cloudFormation), logger: Emulator.logger)
    }
}
