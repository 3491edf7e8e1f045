import Imaging
import Testing

@Suite struct DominantColorTests {
    /// Builds a one-row RGBA8 image from its pixels.
    private func row(_ pixels: [[UInt8]]) -> (width: Int, height: Int, rgba: [UInt8]) {
        (pixels.count, 1, pixels.flatMap { $0 })
    }

    @Test func seventyPercentBlueBeatsThirtyPercentRed() {
        // Two blues in one histogram bin; their mean, not the bin centre (8, 24, 248), comes back.
        let blues = (0..<70).map { $0.isMultiple(of: 2) ? [10, 20, 240, 255] : [12, 22, 250, 255] as [UInt8] }
        let reds = [[UInt8]](repeating: [255, 0, 0, 255], count: 30)
        let image = row(reds + blues)
        #expect(
            DominantColor.of(width: image.width, height: image.height, rgba: image.rgba)
                == RGBColor(red: 11, green: 21, blue: 245))
    }

    @Test func mostlyTransparentPixelsAreIgnored() {
        let hiddenGreen = [[UInt8]](repeating: [0, 255, 0, 127], count: 60)
        let red = [[UInt8]](repeating: [200, 10, 10, 128], count: 40)
        let image = row(hiddenGreen + red)
        #expect(
            DominantColor.of(width: image.width, height: image.height, rgba: image.rgba)
                == RGBColor(red: 200, green: 10, blue: 10))
    }

    @Test func fullyTransparentImageHasNoDominantColour() {
        let image = row([[UInt8]](repeating: [90, 80, 70, 0], count: 16))
        #expect(DominantColor.of(width: image.width, height: image.height, rgba: image.rgba) == nil)
        #expect(DominantColor.of(width: 0, height: 0, rgba: []) == nil)
    }

    @Test func hexIsLowercaseWithHash() {
        #expect(RGBColor(red: 0x12, green: 0xAB, blue: 0x0F).hex == "#12ab0f")
        #expect(RGBColor(red: 0, green: 0, blue: 0).hex == "#000000")
    }

    @Test(arguments: [
        RGBColor(red: 0, green: 0, blue: 0),
        RGBColor(red: 255, green: 255, blue: 255),
        RGBColor(red: 0x12, green: 0xAB, blue: 0x0F),
        RGBColor(red: 1, green: 128, blue: 254),
    ])
    func hexRoundTrips(colour: RGBColor) {
        #expect(RGBColor(hex: colour.hex) == colour)
    }

    @Test func parsesShortLongUppercaseAndHashlessForms() {
        #expect(RGBColor(hex: "#fa0") == RGBColor(red: 0xFF, green: 0xAA, blue: 0x00))
        #expect(RGBColor(hex: "FA0") == RGBColor(red: 0xFF, green: 0xAA, blue: 0x00))
        #expect(RGBColor(hex: "#12AB0f") == RGBColor(red: 0x12, green: 0xAB, blue: 0x0F))
        #expect(RGBColor(hex: "12ab0f") == RGBColor(red: 0x12, green: 0xAB, blue: 0x0F))
    }

    @Test(arguments: ["#12", "zzzzzz", "", "#", "#1234", "#12345g", "##123456", "+12345", " #123456", "#１２３"])
    func rejectsMalformedHex(text: String) {
        #expect(RGBColor(hex: text) == nil)
    }
}
