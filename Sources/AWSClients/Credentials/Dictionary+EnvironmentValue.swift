import Foundation

extension [String: String] {
    /// The variable's value with surrounding whitespace trimmed; nil when unset or blank, as the AWS SDKs treat it.
    func environmentValue(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
