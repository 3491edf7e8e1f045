import CVipsShim
import Testing

@testable import Imaging

@Suite("Step 4, colour: 8-bit sRGB out, whatever came in")
struct ColourStepTests {
    @Test(
        "CMYK inputs, with and without a profile, become sRGB with the right hues",
        arguments: ["cmyk-profile.jpg", "cmyk-noprofile.jpg"])
    func cmyk(_ file: String) async throws {
        let (result, image) = try await renderOne(file, rendition(150))
        #expect(result.source.format == .jpeg)
        let red = image.pixel(atX: 0.25, y: 0.25)
        let green = image.pixel(atX: 0.75, y: 0.25)
        let blue = image.pixel(atX: 0.25, y: 0.75)
        #expect(red.red > red.green + 100 && red.red > red.blue + 100)
        #expect(green.green > green.red + 60 && green.green > green.blue + 40)
        #expect(blue.blue > blue.red + 60 && blue.blue > blue.green + 60)
        #expect(image.isColour(atX: 0.75, y: 0.75, 255, 255, 255))
    }

    @Test("8- and 16-bit greyscale stay black and white", arguments: ["grey.png", "grey16.png"])
    func greyscale(_ file: String) async throws {
        let (_, image) = try await renderOne(file, rendition(150))
        #expect(image.isColour(atX: 0.25, y: 0.5, 0, 0, 0, tolerance: 8))
        #expect(image.isColour(atX: 0.75, y: 0.5, 255, 255, 255, tolerance: 8))
    }

    @Test("only images with an embedded profile have it converted to sRGB in the decode pass")
    func profileConversion() throws {
        var tagged = ThumbVipsThumbnailOptions()
        ColourStep.configure(&tagged, source: try source(of: "cmyk-profile.jpg"))
        #expect(tagged.convert_profile_to_srgb == 1)
        var untagged = ThumbVipsThumbnailOptions()
        ColourStep.configure(&untagged, source: try source(of: "landscape.jpg"))
        #expect(untagged.convert_profile_to_srgb == 0)
    }

    @Test(
        "any depth and colour space comes out as 8-bit sRGB, or 8-bit grey for grey inputs",
        arguments: [("deep16.png", 3), ("grey16.png", 1), ("cmyk-noprofile.jpg", 3), ("alpha.png", 4)])
    func eightBit(_ file: String, _ bands: Int32) async throws {
        let (format, decodedBands, interpretation) = try await offCooperativeThreads {
            let image = try decodedUpright(file, box: widthBox(150))
            return (
                vips_image_get_format(image.pointer), vips_image_get_bands(image.pointer),
                vips_image_get_interpretation(image.pointer)
            )
        }
        #expect(format == VIPS_FORMAT_UCHAR)
        #expect(decodedBands == bands)
        #expect(interpretation == (bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB))
    }
}
