/// CRC-32 as ZIP and PNG compute it (ISO 3309, the reflected polynomial 0xEDB88320), bit by bit: the inputs here are a
/// few hundred bytes.
package enum CRC32 {
    /// The checksum of `bytes`.
    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }
}
