import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port where connections are refused for as long as the body runs: a socket is bound to it but does not
/// listen, so the kernel answers every connect with a reset and no other test can take the port meanwhile (a port
/// that was merely free a moment ago can be bound by a concurrent test's server).
package enum RefusingPort {
    /// Runs `body` with the port.
    package static func with<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
