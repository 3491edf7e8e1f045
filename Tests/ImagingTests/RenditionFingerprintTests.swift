import Imaging
import Testing

@Suite("A rendition's fingerprint changes exactly when its output would")
struct RenditionFingerprintTests {
    /// The fingerprint of a 320 px JPEG rendition named `name`, adjusted by `configure`, with `settings`.
    private func fingerprint(
        _ name: String = "small", settings: ImagingSettings = ImagingSettings(),
        _ configure: (inout RenditionSpec) -> Void = { _ in }
    ) -> String {
        var spec = RenditionSpec(name: name, width: 320)
        configure(&spec)
        return spec.fingerprint(with: settings)
    }

    @Test("it is 16 hex digits, the same for the same spec, and ignores the name")
    func stable() {
        let value = fingerprint()
        #expect(value.count == 16 && value.allSatisfy(\.isHexDigit))
        #expect(fingerprint() == value && fingerprint("renamed") == value)
    }

    @Test("every field that decides the bytes changes it")
    func everyFieldCounts() {
        let base = fingerprint()
        let changes: [(String, (inout RenditionSpec) -> Void)] = [
            ("width", { $0.width = 321 }), ("height", { $0.height = 200 }), ("format", { $0.format = .webp }),
            ("quality", { $0.quality = 79 }), ("upscale", { $0.upscale = true }), ("metadata", { $0.metadata = .icc }),
            ("progressive", { $0.progressive = true }),
            ("background", { $0.background = RGBColor(red: 0, green: 0, blue: 0) }),
            (
                "fit",
                {
                    $0.height = 200
                    $0.fit = .cover
                }
            ),
        ]
        var seen: Set<String> = [base]
        for (field, change) in changes {
            let changed = fingerprint("small", change)
            #expect(changed != base, "\(field)")
            seen.insert(changed)
        }
        #expect(seen.count == changes.count + 1, "no two changes collide")
        #expect(
            fingerprint {
                $0.height = 200
                $0.fit = .cover
                $0.gravity = .attention
            }
                != fingerprint {
                    $0.height = 200
                    $0.fit = .cover
                })
    }

    @Test("the defaults a spec leaves to the settings are part of it, so an explicit default changes nothing")
    func defaultsFilledIn() {
        #expect(fingerprint { $0.quality = 80 } == fingerprint(), "80 is the JPEG default")
        var settings = ImagingSettings()
        settings.quality.jpeg = 70
        #expect(fingerprint(settings: settings) != fingerprint())
        settings = ImagingSettings()
        settings.background = RGBColor(red: 0, green: 0, blue: 0)
        #expect(fingerprint(settings: settings) != fingerprint())
        #expect(
            fingerprint {
                $0.format = .png
                $0.quality = 10
            } == fingerprint { $0.format = .png }, "lossless")
        #expect(fingerprint { $0.gravity = .attention } == fingerprint(), "gravity only matters for cover")
    }
}
