/// An sRGB colour with 8-bit channels.
package struct RGBColor: Sendable, Hashable, Codable {
    /// The red channel.
    package var red: UInt8
    /// The green channel.
    package var green: UInt8
    /// The blue channel.
    package var blue: UInt8

    /// Creates a colour from its three channels.
    package init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Parses "#rgb" or "#rrggbb" (the "#" optional, digits in either case); nil for anything else.
    package init?(hex: String) {
        var characters = Array(hex.utf8)
        if characters.first == UInt8(ascii: "#") {
            characters.removeFirst()
        }
        let nibbles = characters.compactMap(Self.nibble(ascii:))
        guard nibbles.count == characters.count else { return nil }
        switch nibbles.count {
        case 3:
            self.init(red: nibbles[0] * 17, green: nibbles[1] * 17, blue: nibbles[2] * 17)
        case 6:
            self.init(
                red: nibbles[0] << 4 | nibbles[1],
                green: nibbles[2] << 4 | nibbles[3],
                blue: nibbles[4] << 4 | nibbles[5]
            )
        default:
            return nil
        }
    }

    /// "#rrggbb", lowercase.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        let characters = [red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }
        return "#" + String(decoding: characters, as: UTF8.self)
    }

    /// The value of one ASCII hex digit, or nil (no signs, spaces or non-ASCII look-alikes).
    private static func nibble(ascii character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
