extension S3EventParser {
    /// Decodes an object key as S3 notifications carry it (`application/x-www-form-urlencoded`): `+` is a space,
    /// then `%XX` escapes are UTF-8 bytes. Nil when an escape is malformed or the bytes are not UTF-8.
    ///
    /// `in/my+photo+%C3%A9+%2B1.jpg` → `in/my photo é +1.jpg`
    /// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
    static func decodeFormEncodedKey(_ encoded: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.utf8.count)
        var iterator = encoded.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexDigitValue),
                    let low = iterator.next().flatMap(hexDigitValue)
                else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The value of one ASCII hex digit, either case.
    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
