// swift-tools-version: 6.1
import PackageDescription

/// Settings every Swift target shares.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "thumbworker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "thumbworker", targets: ["thumbworker"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .target(
            name: "CVipsShim",
            dependencies: ["CVips"]
        ),
        .target(
            name: "Imaging",
            dependencies: ["CVipsShim"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Worker",
            dependencies: ["Imaging", "Yams"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "thumbworker",
            dependencies: [
                "Worker",
                "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CVipsShim"], swiftSettings: swiftSettings),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], swiftSettings: swiftSettings),
        .testTarget(name: "WorkerTests", dependencies: ["Worker"], swiftSettings: swiftSettings),
        .testTarget(name: "thumbworkerTests", dependencies: ["thumbworker"], swiftSettings: swiftSettings),
    ]
)
