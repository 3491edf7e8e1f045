import Foundation
import TestSupport
import Testing
import Yams

@Suite("deploy/kubernetes: the kustomize base", .enabled(if: DeployTools.isAvailable, DeployTools.skipReason))
struct DeployKubernetesTests {
    /// The Kubernetes versions every rendered object is validated against: the oldest and the newest the base is
    /// meant for, both among those the pinned kubernetes-validate ships (1.25–1.37).
    static let kubernetesVersions = ["1.30.0", "1.37.0"]

    /// Stands in for the pod's address (`status.podIP`) where the tests resolve the Deployment's variables.
    static let podAddress = "10.1.2.3"

    /// The resident memory of one worker process at rest, measured (README, "Kubernetes"): what the memory limit
    /// holds besides the decode budget and the downloads in flight.
    static let restingMemoryMiB = 67

    @Test("kubectl kustomize renders it, and every object but KEDA's validates against Kubernetes 1.30 and 1.37")
    func rendersAndValidates() async throws {
        let base = try await RenderedBase()
        #expect(
            base.objects.compactMap { $0["kind"]?.string }.sorted() == [
                "ConfigMap", "Deployment", "PodDisruptionBudget", "ScaledObject", "ServiceAccount",
                "TriggerAuthentication",
            ])
        try await TemporaryFolder.with { folder in
            let file = folder.appending(path: "rendered.yaml")
            try base.text.write(to: file, atomically: true, encoding: .utf8)
            for version in Self.kubernetesVersions {
                let validation = try await CommandResult(
                    ["--strict", "--kubernetes-version", version, file.path], in: folder,
                    executable: try DeployTools.command("kubernetes-validate"))
                let report = validation.standardOutput + validation.standardError
                #expect(validation.status == 0, "\(report)")
                let lines = report.split(separator: "\n")
                #expect(lines.count { $0.contains(" passed for resource ") } == base.objects.count - 2, "\(report)")
                let unvalidated = lines.compactMap { line in
                    line.firstRange(of: "Couldn't find schema for kind ").map {
                        String(line[$0.upperBound...].prefix { $0 != " " })
                    }
                }
                #expect(unvalidated.sorted() == ["ScaledObject", "TriggerAuthentication"], "\(report)")
            }
        }
    }

    @Test("the pod: locked down, a tmp volume, requests equal to limits, the overridable image, IRSA, a PDB")
    func podIsLockedDown() async throws {
        let base = try await RenderedBase()
        let pod = try base.podSpec()
        let container = try base.container()
        #expect(pod["enableServiceLinks"]?.bool == false)
        #expect(pod["securityContext"]?["runAsNonRoot"]?.bool == true)
        #expect(container["image"]?.string == "thumbworker:latest")
        let security = try #require(container["securityContext"])
        #expect(security["readOnlyRootFilesystem"]?.bool == true)
        #expect(security["allowPrivilegeEscalation"]?.bool == false)
        #expect(security["capabilities"]?["drop"]?.array(of: String.self) == ["ALL"])
        // /tmp is the only writable place, and it is an emptyDir.
        let tmp = try #require(container["volumeMounts"]?.array().first { $0["mountPath"]?.string == "/tmp" })
        let volume = pod["volumes"]?.array().first { $0["name"] == tmp["name"] }
        #expect(volume?["emptyDir"] != nil)
        let resources = try #require(container["resources"])
        #expect(resources["requests"]?["cpu"] != nil && resources["requests"]?["memory"] != nil)
        #expect(resources["requests"] == resources["limits"], "requests equal limits: a Guaranteed pod")
        // IRSA: the pods run as a ServiceAccount carrying the role.
        let account = try base.object(kind: "ServiceAccount")
        #expect(pod["serviceAccountName"] == account["metadata"]?["name"])
        #expect(account["metadata"]?["annotations"]?[KEDAReference.AWSPodIdentity.roleAnnotation]?.string != nil)
        // The PodDisruptionBudget selects the Deployment's pods.
        let labels = try #require(try base.object(kind: "Deployment")["spec"]?["template"]?["metadata"]?["labels"])
        let selector = try #require(try base.object(kind: "PodDisruptionBudget")["spec"]?["selector"]?["matchLabels"])
        #expect(selector.mapping?.allSatisfy { labels[$0.key] == $0.value } == true)
    }

    @Test("the ScaledObject and its TriggerAuthentication use only what KEDA's references list for aws-sqs-queue")
    func scaledObjectFollowsKEDA() async throws {
        let base = try await RenderedBase()
        let scaledObject = try base.object(kind: "ScaledObject")
        let authentication = try base.object(kind: "TriggerAuthentication")
        #expect(scaledObject["apiVersion"]?.string == KEDAReference.apiVersion)
        #expect(authentication["apiVersion"]?.string == KEDAReference.apiVersion)
        let spec = try #require(scaledObject["spec"])
        #expect(spec.keySet.isSubset(of: KEDAReference.scaledObjectSpecKeys), "\(spec.keySet)")
        let target = try #require(spec["scaleTargetRef"])
        #expect(target.keySet.isSubset(of: KEDAReference.scaleTargetRefKeys), "\(target.keySet)")
        #expect(target["name"] == (try base.object(kind: "Deployment"))["metadata"]?["name"])
        #expect((target["kind"]?.string ?? "Deployment") == "Deployment")
        #expect(spec["minReplicaCount"]?.int == 0, "down to zero when the queue is idle")
        let maximum = try #require(spec["maxReplicaCount"]?.int)
        #expect(maximum >= 1)
        if let fallback = spec["fallback"] {
            #expect(fallback.keySet == KEDAReference.fallbackKeys)
        }
        let triggers = try #require(spec["triggers"]?.array())
        #expect(!triggers.isEmpty)
        for trigger in triggers {
            #expect(trigger.keySet.isSubset(of: KEDAReference.triggerKeys), "\(trigger.keySet)")
            #expect(trigger["type"]?.string == KEDAReference.SQSQueueTrigger.type)
            #expect(KEDAReference.metricTypes.contains(trigger["metricType"]?.string ?? "AverageValue"))
            try Self.checkSQSMetadata(try #require(trigger["metadata"]))
            let reference = try #require(trigger["authenticationRef"])
            #expect(reference.keySet.isSubset(of: KEDAReference.authenticationRefKeys), "\(reference.keySet)")
            #expect(KEDAReference.authenticationKinds.contains(reference["kind"]?.string ?? "TriggerAuthentication"))
            #expect(reference["name"] == authentication["metadata"]?["name"])
        }
        let authenticationSpec = try #require(authentication["spec"])
        #expect(
            authenticationSpec.keySet.isSubset(of: KEDAReference.triggerAuthenticationSpecKeys),
            "\(authenticationSpec.keySet)")
        let identity = try #require(authenticationSpec["podIdentity"])
        #expect(identity.keySet.isSubset(of: KEDAReference.AWSPodIdentity.keys), "\(identity.keySet)")
        #expect(identity["provider"]?.string == KEDAReference.AWSPodIdentity.provider)
        #expect(identity["roleArn"] == nil || identity["identityOwner"] == nil, "roleArn and identityOwner exclude")
        let owner = identity["identityOwner"]?.string ?? "keda"
        #expect(KEDAReference.AWSPodIdentity.identityOwners.contains(owner))
    }

    /// Checks one `aws-sqs-queue` trigger's metadata against the scaler's field list.
    static func checkSQSMetadata(_ metadata: Node) throws {
        let reference = KEDAReference.SQSQueueTrigger.self
        let keys = metadata.keySet
        #expect(keys.isSubset(of: reference.metadataKeys), "unknown keys: \(keys.subtracting(reference.metadataKeys))")
        #expect(!keys.isDisjoint(with: reference.queueKeys), "queueURL or queueURLFromEnv")
        #expect(reference.requiredKeys.isSubset(of: keys), "required: \(reference.requiredKeys)")
        for (key, value) in try #require(metadata.mapping) {
            // Trigger metadata is a map of strings: an unquoted number or boolean is refused by KEDA's CRD.
            #expect(value.tag.description == Tag.Name.str.rawValue, "\(key.string ?? ""): quote the value")
        }
        for key in reference.countKeys {
            if let text = metadata[key]?.string {
                #expect(Int(text).map { $0 >= (key == "queueLength" ? 1 : 0) } == true, "\(key): \(text)")
            }
        }
        for key in reference.flagKeys {
            if let text = metadata[key]?.string {
                #expect(["true", "false"].contains(text), "\(key): \(text)")
            }
        }
        if let owner = metadata["identityOwner"]?.string {
            #expect(reference.identityOwners.contains(owner))
        }
    }

    @Test("it agrees with the worker: variables, config path, port, host, grace period, CPU, memory, queue, region")
    func agreesWithTheWorker() async throws {
        let base = try await RenderedBase()
        let container = try base.container()
        try await TemporaryFolder.with { folder in
            let configuration = try base.extractConfiguration(into: folder)
            // The arguments parse as `thumbworker run`'s (the image's entry point), with the ConfigMap's file.
            let help = try await CommandResult(["run"] + configuration.arguments + ["--help"], in: folder)
            #expect(help.status == 0, "\(help.standardError)")
            // Every THUMBWORKER_ variable is one the worker knows (it refuses others), and the file is valid.
            let environment = try base.workerEnvironment(podAddress: Self.podAddress)
            let printed = try await CommandResult(
                ["config", "--config", configuration.file.path], in: folder, environment: environment)
            #expect(printed.status == 0, "\(printed.standardError)")
            let effective = try #require(try Yams.compose(yaml: printed.standardOutput))

            // The probes and the scrape annotation use the worker's port, and it listens on the pod's address.
            let port = try #require(effective["metrics"]?["port"]?.int)
            #expect(effective["metrics"]?["host"]?.string == Self.podAddress)
            for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
                let get = try #require(container[probe]?["httpGet"], "\(probe) is an httpGet")
                #expect(try base.containerPort(get["port"]) == port, "\(probe) port")
            }
            #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == "/health", "not /ready: SQS down")
            #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == "/ready")
            let annotations = try base.podTemplate()["metadata"]?["annotations"]
            #expect(annotations?["prometheus.io/port"]?.string == "\(port)")

            // The grace period covers a long poll, the drain and the exit.
            let queue = try #require(effective["queue"])
            let drain = try #require(queue["drain_timeout_seconds"]?.int)
            let wait = try #require(queue["wait_seconds"]?.int)
            let grace = try #require(try base.podSpec()["terminationGracePeriodSeconds"]?.int)
            #expect(.seconds(grace) > .seconds(drain + wait) + RunDrainTests.exitBound, "grace \(grace) s")

            // One imaging thread per CPU of the limit; the memory limit holds the budget, the downloads in flight
            // and the process at rest.
            let limits = try #require(container["resources"]?["limits"])
            let processes = try #require(effective["imaging"]?["processes"]?.int)
            let concurrency = try #require(effective["imaging"]?["concurrency"]?.int)
            #expect(processes == 1 && concurrency == 1)
            #expect(try Quantity.millicores(limits["cpu"]) == 1000 * processes * concurrency)
            let budget = try #require(effective["imaging"]?["memory_budget_mb"]?.int)
            let inputMiB = try #require(effective["limits"]?["max_input_bytes"]?.int) >> 20
            let configuredInFlight = try #require(queue["max_in_flight"]?.int)
            let inFlight = configuredInFlight > 0 ? configuredInFlight : 2 * concurrency
            let memory = try Quantity.mebibytes(limits["memory"])
            #expect(budget > 0 && budget + inFlight * inputMiB + Self.restingMemoryMiB <= memory, "\(memory) MiB")

            // KEDA watches the queue the worker consumes, in its region.
            let metadata = try #require(
                try base.object(kind: "ScaledObject")["spec"]?["triggers"]?.array().first?["metadata"])
            let queueURL = try #require(queue["url"]?.string)
            let region = try #require(effective["aws"]?["region"]?.string)
            #expect(metadata["queueURL"]?.string == queueURL)
            #expect(metadata["awsRegion"]?.string == region)
            #expect(URL(string: queueURL)?.host() == "sqs.\(region).amazonaws.com")
        }
    }

    @Test("the worker serves the probes' and the scrape annotation's paths, configured as the Deployment runs it")
    func probesReachTheWorker() async throws {
        let base = try await RenderedBase()
        let container = try base.container()
        let annotations = try base.podTemplate()["metadata"]?["annotations"]
        let paths = try ["startupProbe", "livenessProbe", "readinessProbe"].map {
            try #require(container[$0]?["httpGet"]?["path"]?.string)
        }
        try await TemporaryFolder.with { folder in
            let configuration = try base.extractConfiguration(into: folder)
            // As in the pod, but on loopback, on a free port, with the local queue instead of SQS.
            let port = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
            var environment = try base.workerEnvironment(podAddress: "127.0.0.1")
            environment["THUMBWORKER_METRICS_PORT"] = "\(port)"
            environment["THUMBWORKER_QUEUE_URL"] = ""
            let worker = try RunningCommand(["run"] + configuration.arguments, in: folder, environment: environment)
            try await worker.killedOnFailure {
                var health = try? await localGET("/health", port: port)
                for _ in 0..<100 where health?.status != 200 && worker.isRunning {
                    try await Task.sleep(for: .milliseconds(100))
                    health = try? await localGET("/health", port: port)
                }
                try #require(worker.isRunning, "the worker runs as the Deployment runs it: \(worker.standardError)")
                for path in paths + [try #require(annotations?["prometheus.io/path"]?.string)] {
                    let answer = try await localGET(path, port: port)
                    #expect(answer.status == 200, "GET \(path): \(answer.status) \(answer.body)")
                }
                worker.send(SIGTERM)
                #expect(try await worker.result().status == 0, "\(worker.standardError)")
            }
        }
    }
}

/// The objects `kubectl kustomize deploy/kubernetes` makes, as YAML nodes, with the parts the tests look at.
struct RenderedBase {
    /// The rendered YAML, every object in one stream.
    let text: String
    /// Each object.
    let objects: [Node]

    /// Renders the base with the pinned kubectl.
    init() async throws {
        let base = Testdata.repository.appending(path: "deploy/kubernetes")
        let kustomize = try await CommandResult(
            ["kustomize", base.path], in: base, executable: try DeployTools.command("kubectl"))
        try #require(kustomize.status == 0, "\(kustomize.standardError)")
        text = kustomize.standardOutput
        objects = Array(try Yams.compose_all(yaml: text))
    }

    /// The one object of `kind`.
    func object(kind: String) throws -> Node {
        let matching = objects.filter { $0["kind"]?.string == kind }
        try #require(matching.count == 1, "one \(kind)")
        return matching[0]
    }

    /// The Deployment's pod template.
    func podTemplate() throws -> Node {
        try #require(try object(kind: "Deployment")["spec"]?["template"])
    }

    /// The Deployment's pod spec.
    func podSpec() throws -> Node {
        try #require(try podTemplate()["spec"])
    }

    /// The worker's container, the pod's only one.
    func container() throws -> Node {
        let containers = try podSpec()["containers"]?.array() ?? []
        try #require(containers.count == 1, "one container")
        return containers[0]
    }

    /// The container port a probe's `port` names (by name or number).
    func containerPort(_ port: Node?) throws -> Int? {
        if let number = port?.int { return number }
        let declared = try container()["ports"]?.array().first { $0["name"] == port }
        return declared?["containerPort"]?.int
    }

    /// The configuration file the container reads, written to `folder` from the ConfigMap the pod mounts, and the
    /// container's arguments with its path in the pod replaced by the written file's.
    func extractConfiguration(into folder: URL) throws -> (file: URL, arguments: [String]) {
        let arguments = try container()["args"]?.array(of: String.self) ?? []
        let index = try #require(arguments.firstIndex(of: "--config"), "the container names its configuration")
        try #require(index + 1 < arguments.count)
        let components = arguments[index + 1].split(separator: "/")
        let folderInPod = "/" + components.dropLast().joined(separator: "/")
        let fileName = String(try #require(components.last))
        let mount = try #require(
            try container()["volumeMounts"]?.array().first { $0["mountPath"]?.string == folderInPod },
            "a volume mounted at \(folderInPod)")
        let volume = try #require(try podSpec()["volumes"]?.array().first { $0["name"] == mount["name"] })
        let configMap = try object(kind: "ConfigMap")
        #expect(volume["configMap"]?["name"] == configMap["metadata"]?["name"], "the volume is the ConfigMap")
        let text = try #require(configMap["data"]?[fileName]?.string, "\(fileName) in the ConfigMap")
        let file = folder.appending(path: "worker.conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        var replaced = arguments
        replaced[index + 1] = file.path
        return (file, replaced)
    }

    /// This process's environment without THUMBWORKER_ variables, plus the container's, `status.podIP` read as
    /// `podAddress`.
    func workerEnvironment(podAddress: String) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("THUMBWORKER_") }
        for variable in try container()["env"]?.array() ?? [] {
            let name = try #require(variable["name"]?.string)
            if let value = variable["value"]?.string {
                environment[name] = value
            } else {
                let field = variable["valueFrom"]?["fieldRef"]?["fieldPath"]?.string
                try #require(field == "status.podIP", "\(name): only literal values and status.podIP are resolved")
                environment[name] = podAddress
            }
        }
        return environment
    }
}

/// Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
enum Quantity {
    /// A CPU quantity ("1", "500m") in millicores.
    static func millicores(_ node: Node?) throws -> Int {
        let text = try #require(node?.string, "a CPU quantity")
        if text.hasSuffix("m") { return try #require(Int(text.dropLast()), "\(text)") }
        return Int(try #require(Double(text), "\(text)") * 1000)
    }

    /// A memory quantity ("640Mi", "1Gi", "512000Ki", bytes) in whole mebibytes.
    static func mebibytes(_ node: Node?) throws -> Int {
        let text = try #require(node?.string, "a memory quantity")
        let shifts = ["Ki": 10, "Mi": 20, "Gi": 30]
        let suffix = String(text.suffix(2))
        let bytes = try #require(Int(shifts[suffix] == nil ? text : String(text.dropLast(2))), "\(text)")
        return (bytes << (shifts[suffix] ?? 0)) >> 20
    }
}

extension Node {
    /// The keys of a mapping (none for a scalar or a sequence).
    var keySet: Set<String> {
        Set(mapping?.keys.compactMap(\.string) ?? [])
    }
}
