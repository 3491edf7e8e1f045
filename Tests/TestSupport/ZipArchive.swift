/// A ZIP archive of one stored (uncompressed) file, enough for a Lambda deployment package
/// (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT: local header, data, central directory, end record).
package enum ZipArchive {
    /// The archive holding `contents` as the file `name`.
    package static func storing(_ contents: [UInt8], as name: String) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let crc = CRC32.checksum(contents)
        // Shared by the local header and the central directory entry: version needed 2.0, no flags, stored,
        // 1980-01-01 00:00, CRC, sizes, name length, no extra field.
        var common: [UInt8] = []
        common += le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        common +=
            le32(crc) + le32(UInt32(contents.count)) + le32(UInt32(contents.count)) + le16(UInt16(nameBytes.count))
            + le16(0)
        let local = le32(0x0403_4b50) + common + nameBytes + contents
        // Made by Unix (3) version 2.0; no comment, disk 0, no internal attributes; external: a -rw-r--r-- file.
        let central =
            le32(0x0201_4b50) + le16(0x0314) + common + le16(0) + le16(0) + le16(0)
            + le32(0o100644 << 16) + le32(0) + nameBytes
        let end =
            le32(0x0605_4b50) + le16(0) + le16(0) + le16(1) + le16(1)
            + le32(UInt32(central.count)) + le32(UInt32(local.count)) + le16(0)
        return local + central + end
    }

    private static func le16(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func le32(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
    }
}
