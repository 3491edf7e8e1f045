import WorkerCore

/// Every problem `WorkerConfiguration.parse` reports for `yaml`; empty when it parses.
func configurationProblems(_ yaml: String) -> [String] {
    do {
        _ = try WorkerConfiguration.parse(yaml: yaml, source: "test.conf")
        return []
    } catch {
        return error.problems
    }
}
