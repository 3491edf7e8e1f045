import WorkerCore

/// Every problem `WorkerConfiguration.parse` reports for `yaml` under `environment`; empty when it parses.
func configurationProblems(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try WorkerConfiguration.parse(yaml: yaml, source: "test.conf", environment: environment)
        return []
    } catch {
        return error.problems
    }
}
