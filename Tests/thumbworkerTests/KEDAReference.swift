/// What KEDA 2.x accepts in the objects no Kubernetes schema package covers, written from its references, for
/// checking `deploy/kubernetes`: the ScaledObject specification
/// (https://keda.sh/docs/2.16/reference/scaledobject-spec/), the `aws-sqs-queue` scaler
/// (https://keda.sh/docs/2.16/scalers/aws-sqs/; its metadata as `pkg/scalers/aws_sqs_queue_scaler.go` parses it)
/// and AWS pod identity (https://keda.sh/docs/2.16/authentication-providers/aws/).
enum KEDAReference {
    /// The API group and version of ScaledObject and TriggerAuthentication.
    static let apiVersion = "keda.sh/v1alpha1"

    /// The keys of a ScaledObject's `spec`.
    static let scaledObjectSpecKeys: Set<String> = [
        "scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
        "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers",
    ]

    /// The keys of `spec.scaleTargetRef`; only `name` is required (the kind defaults to a Deployment of apps/v1).
    static let scaleTargetRefKeys: Set<String> = ["apiVersion", "kind", "name", "envSourceContainerName"]

    /// The keys of `spec.fallback`, both required when the section is there.
    static let fallbackKeys: Set<String> = ["failureThreshold", "replicas"]

    /// The keys of one entry of `spec.triggers`; `type` and `metadata` are required.
    static let triggerKeys: Set<String> = [
        "type", "metadata", "name", "useCachedMetrics", "authenticationRef", "metricType",
    ]

    /// The values `metricType` takes for a queue scaler (CPU and memory scalers also take `Utilization`).
    static let metricTypes: Set<String> = ["AverageValue", "Value"]

    /// The keys of a trigger's `authenticationRef`: the object's name and, optionally, its kind.
    static let authenticationRefKeys: Set<String> = ["name", "kind"]

    /// The kinds an `authenticationRef` may name.
    static let authenticationKinds: Set<String> = ["TriggerAuthentication", "ClusterTriggerAuthentication"]

    /// The `aws-sqs-queue` scaler's metadata.
    enum SQSQueueTrigger {
        /// The trigger's type.
        static let type = "aws-sqs-queue"

        /// Every metadata key the scaler or its AWS authentication reads from the trigger: the queue (its URL, or the
        /// name of a variable of the target's container holding it), the region, a custom endpoint, the target and
        /// activation depths, which message counts add up to the depth, and the older ways to authenticate
        /// (`identityOwner`, deprecated since 2.13, and access keys read from the container's variables).
        static let metadataKeys: Set<String> = [
            "queueURL", "queueURLFromEnv", "awsRegion", "awsEndpoint", "queueLength", "activationQueueLength",
            "scaleOnInFlight", "scaleOnDelayed", "identityOwner", "awsAccessKeyID", "awsAccessKeyIDFromEnv",
            "awsSecretAccessKeyFromEnv",
        ]

        /// One of these must be given (queueURL wins when both are).
        static let queueKeys: Set<String> = ["queueURL", "queueURLFromEnv"]

        /// Required: the scaler fails without it.
        static let requiredKeys: Set<String> = ["awsRegion"]

        /// Whole numbers of messages (as strings, like every metadata value): the depth per replica (default 5) and
        /// the depth above which a scaled-to-zero target wakes (default 0).
        static let countKeys: Set<String> = ["queueLength", "activationQueueLength"]

        /// Booleans: count in-flight (received, not deleted) messages, default true; count delayed ones, default
        /// false.
        static let flagKeys: Set<String> = ["scaleOnInFlight", "scaleOnDelayed"]

        /// The values of the deprecated `identityOwner` metadata key.
        static let identityOwners: Set<String> = ["pod", "operator"]
    }

    /// The keys of a TriggerAuthentication's `spec`: the ways KEDA gets credentials.
    static let triggerAuthenticationSpecKeys: Set<String> = [
        "podIdentity", "secretTargetRef", "env", "configMapTargetRef", "hashiCorpVault", "azureKeyVault",
        "awsSecretManager", "gcpSecretManager", "boundServiceAccountToken",
    ]

    /// AWS pod identity (`spec.podIdentity` with provider `aws`, KEDA 2.13+; `aws-eks` and `aws-kiam` are gone).
    enum AWSPodIdentity {
        /// The provider's name.
        static let provider = "aws"

        /// The keys of `spec.podIdentity` with this provider; `roleArn` and `identityOwner` exclude each other.
        static let keys: Set<String> = ["provider", "roleArn", "identityOwner"]

        /// Whose role KEDA uses: its operator's (`keda`, the default) or the one annotated on the scale target's
        /// ServiceAccount (`workload`).
        static let identityOwners: Set<String> = ["keda", "workload"]

        /// The ServiceAccount annotation IRSA reads the role from, which `identityOwner: workload` needs.
        static let roleAnnotation = "eks.amazonaws.com/role-arn"
    }
}
