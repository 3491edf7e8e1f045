import AsyncHTTPClient
import Foundation
import MetricsEndpoint
import NIOCore

/// The host's one metrics endpoint under a supervisor: every child's series under one scrape, each labelled
/// `process="N"`, and ready only while every child is.
struct SupervisorMetrics: MetricsSource {
    /// The children's metrics ports on 127.0.0.1, by index.
    let ports: [Int]
    /// Asks the children.
    let client: HTTPClient

    /// Every child's `/metrics`, merged; a child that does not answer is left out of this scrape.
    func scrape() async -> [UInt8] {
        let texts = await withTaskGroup(of: (Int, String?).self) { group in
            for (index, port) in ports.enumerated() {
                group.addTask { (index, try? await get("/metrics", port: port).text) }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        let answered = texts.keys.sorted().compactMap { index -> (process: String, text: String)? in
            texts[index].flatMap { $0 }.map { (process: "\(index)", text: $0) }
        }
        return Array(Self.merge(answered).utf8)
    }

    /// Nil while every child's `/ready` answers 200; else the first that does not, and why.
    func notReadyReason() async -> String? {
        for (index, port) in ports.enumerated() {
            do {
                let answer = try await get("/ready", port: port)
                if answer.status != 200 {
                    return "worker process \(index): \(answer.text.trimmingCharacters(in: .whitespacesAndNewlines))"
                }
            } catch {
                return "worker process \(index) does not answer (starting, or restarting after a failure)"
            }
        }
        return nil
    }

    /// One GET to a child: the status and the body.
    private func get(_ path: String, port: Int) async throws -> (status: UInt, text: String) {
        try await LocalHTTP.get("http://127.0.0.1:\(port)\(path)", client: client, timeout: .seconds(2))
    }

    /// Prometheus texts merged into one: each sample gets a `process` label, and each metric's `# HELP` and
    /// `# TYPE` lines appear once, before its first sample.
    static func merge(_ texts: [(process: String, text: String)]) -> String {
        var families: [String] = []
        var headers: [String: [String]] = [:]
        var samples: [String: [String]] = [:]
        for (process, text) in texts {
            for line in text.split(separator: "\n") {
                if line.hasPrefix("#") {
                    let fields = line.split(separator: " ", maxSplits: 3)
                    guard fields.count >= 3 else { continue }
                    let name = String(fields[2])
                    if headers[name] == nil { families.append(name) }
                    if !(headers[name] ?? []).contains(where: { $0.hasPrefix("\(fields[0]) \(fields[1]) ") }) {
                        headers[name, default: []].append(String(line))
                    }
                    continue
                }
                let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
                let name = String(line[..<nameEnd])
                // A histogram's `_bucket`, `_sum` and `_count` samples belong to the family their header named.
                let family = families.filter { name.hasPrefix($0) }.max { $0.count < $1.count } ?? name
                if headers[family] == nil && samples[family] == nil { families.append(family) }
                let labelled =
                    line[nameEnd...].hasPrefix("{")
                    ? "\(name){process=\"\(process)\",\(line[line.index(after: nameEnd)...])"
                    : "\(name){process=\"\(process)\"}\(line[nameEnd...])"
                samples[family, default: []].append(labelled.replacingOccurrences(of: ",}", with: "}"))
            }
        }
        return families.map { family in
            ((headers[family] ?? []) + (samples[family] ?? [])).joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
    }
}
