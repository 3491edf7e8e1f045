/// Hex rendering of digests and MACs.
extension Sequence<UInt8> {
    /// The bytes as lower-case hex, the form SigV4 uses for hashes and signatures.
    var lowercaseHex: String {
        var hex = ""
        for byte in self {
            if byte < 0x10 { hex += "0" }
            hex += String(byte, radix: 16)
        }
        return hex
    }
}
