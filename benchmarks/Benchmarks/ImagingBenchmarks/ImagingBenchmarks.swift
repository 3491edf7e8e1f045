import Benchmark
import Foundation
import Imaging

// Microbenchmarks of Imaging, run by ordo-one/benchmark's plugin (benchmarks/README.md):
//
//     ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark
//
// One thread, inputs held in memory, one image per sample; the 2725×2225 JPEG benchmarks cycle through the ten
// baseline crops of benchmarks/corpus/2725x2225, as `thumbworker bench` does. The two sub-millisecond benchmarks
// (inspect, placeholder) take 1000 images per sample, so that their CPU time, which the kernel counts in 10 ms ticks,
// means something; the metrics marked `*` in the output are per image. Without the corpus (benchmarks/make-corpus.sh)
// the corpus benchmarks are skipped with a message, and only the testdata/ ones run.

/// The repository root, from this file's place in benchmarks/Benchmarks/ImagingBenchmarks/.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The metrics every benchmark reports; throughput is images per second.
let imagingMetrics: [BenchmarkMetric] = [.throughput, .wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident]

/// A few warm-up samples, then up to `seconds` of samples of `scale` images each.
func configuration(seconds: Int = 5, scale: BenchmarkScalingFactor = .one) -> Benchmark.Configuration {
    .init(metrics: imagingMetrics, warmupIterations: scale == .one ? 3 : 1, scalingFactor: scale,
          maxDuration: .seconds(seconds), maxIterations: 100_000)
}

/// The files of `folder` (relative to the repository root) with `suffix`, sorted, read into memory; empty if none.
func loadFiles(_ folder: String, suffix: String) -> [[UInt8]] {
    let directory = repositoryRoot.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(suffix) }.sorted().compactMap { name in
        (try? Data(contentsOf: directory.appendingPathComponent(name))).map { [UInt8]($0) }
    }
}

/// A rendition by name, width, format and quality.
func rendition(_ name: String, width: Int, format: RenditionSpec.Format = .jpeg, quality: Int? = nil) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width)
    spec.format = format
    spec.quality = quality
    return spec
}

/// A deterministic 100×82 RGBA picture (the size the pipeline samples a 2725×2225 photo down to): gradients plus
/// noise. ThumbHash's and the dominant colour's work depends on the size only, not on the content.
func placeholderSample(width: Int = 100, height: Int = 82) -> [UInt8] {
    var state: UInt32 = 0x2545_F491
    var rgba = [UInt8](repeating: 255, count: width * height * 4)
    for y in 0..<height {
        for x in 0..<width {
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Int(state >> 28)
            let offset = (y * width + x) * 4
            rgba[offset] = UInt8(min(255, x * 255 / width + noise))
            rgba[offset + 1] = UInt8(min(255, y * 255 / height + noise))
            rgba[offset + 2] = UInt8(min(255, (x + y) * 255 / (width + height) + noise))
        }
    }
    return rgba
}

let benchmarks: @Sendable () -> Void = {
    let seed = try! Thumbnailer()
    var noPlaceholderSettings = ImagingSettings()
    noPlaceholderSettings.placeholder = false
    let noPlaceholder = try! Thumbnailer(settings: noPlaceholderSettings)

    let photos = loadFiles("benchmarks/corpus/2725x2225", suffix: ".jpg")
    if photos.isEmpty {
        print("ImagingBenchmarks: benchmarks/corpus/2725x2225 is missing (run benchmarks/make-corpus.sh): skipping the 2725×2225 JPEG benchmarks")
    } else {
        /// Renders the photos in turn, one per iteration.
        func photoBenchmark(_ name: String, _ thumbnailer: Thumbnailer, _ renditions: [RenditionSpec],
                            strategy: Thumbnailer.DecodeStrategy = .decodeOnce, seconds: Int = 5) {
            Benchmark(name, configuration: configuration(seconds: seconds)) { benchmark in
                let photo = photos[benchmark.currentIteration % photos.count]
                blackHole(try thumbnailer.render(photo, renditions: renditions, strategy: strategy))
            }
        }

        Benchmark("inspect (header gate), 2725x2225 JPEG", configuration: configuration(seconds: 3, scale: .kilo)) { benchmark in
            for iteration in benchmark.scaledIterations {
                blackHole(try seed.inspect(photos[iteration % photos.count]))
            }
        }
        photoBenchmark("seed: 150 px JPEG + placeholder, 2725x2225 JPEG", seed, [rendition("thumb", width: 150)])
        photoBenchmark("150 px JPEG, no placeholder, 2725x2225 JPEG", noPlaceholder, [rendition("thumb", width: 150)])
        photoBenchmark("320 px JPEG q80, no placeholder, 2725x2225 JPEG", noPlaceholder, [rendition("t", width: 320, quality: 80)])
        let three = [rendition("small", width: 150), rendition("medium", width: 320), rendition("large", width: 1024)]
        photoBenchmark("150+320+1024 px JPEG, decode once, 2725x2225 JPEG", seed, three, strategy: .decodeOnce, seconds: 10)
        photoBenchmark("150+320+1024 px JPEG, decode per rendition, 2725x2225 JPEG", seed, three, strategy: .decodePerRendition, seconds: 10)
    }

    let webp = [rendition("thumb", width: 320, format: .webp)]
    if let alphaPhoto = loadFiles("benchmarks/corpus/alpha", suffix: ".png").first {
        Benchmark("PNG with alpha -> 320 px WebP, 2725x2225 RGBA PNG", configuration: configuration(seconds: 8)) { _ in
            blackHole(try seed.render(alphaPhoto, renditions: webp))
        }
    } else {
        print("ImagingBenchmarks: benchmarks/corpus/alpha is missing (run benchmarks/make-corpus.sh): skipping the 2725×2225 PNG benchmark")
    }
    if let alpha = loadFiles("testdata", suffix: "alpha.png").first {
        Benchmark("PNG with alpha -> 320 px WebP, 400x300 RGBA PNG (testdata)", configuration: configuration(seconds: 3)) { _ in
            blackHole(try seed.render(alpha, renditions: webp))
        }
    }

    let sample = placeholderSample()
    Benchmark("placeholder alone: ThumbHash + dominant colour of 100x82 RGBA", configuration: configuration(seconds: 3, scale: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ThumbHash.encode(width: 100, height: 82, rgba: sample))
            blackHole(DominantColor.of(width: 100, height: 82, rgba: sample))
        }
    }
}
