import Foundation

/// What one host offers a supervisor: the CPUs this process may use, and free ports for its children's metrics.
enum HostShare {
    /// CPUs this process may use: the cgroup v2 CPU quota when one is set (`cpu.max`, as in a container), else the
    /// CPUs of its affinity mask; at least 1.
    static func usableCPUs(cgroupCPUMax path: String = "/sys/fs/cgroup/cpu.max") -> Int {
        let affinity = ProcessInfo.processInfo.activeProcessorCount
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return max(1, affinity) }
        return max(1, min(affinity, quotaCPUs(text) ?? affinity))
    }

    /// The CPUs a `cpu.max` line (`QUOTA PERIOD`, or `max PERIOD` for none) allows, rounded up; nil without a quota.
    static func quotaCPUs(_ line: String) -> Int? {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), period > 0 else {
            return nil
        }
        return Int((quota / period).rounded(.up))
    }

    /// `count` ports free on 127.0.0.1 now, all different (each bound until all are chosen, then released).
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        return try (0..<count).map { _ in
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw SupervisorError("cannot open a socket to find a free port") }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    Glibc.bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
                }
            }
            guard bound else { throw SupervisorError("cannot find a free port on 127.0.0.1 for a worker's metrics") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
