// swift-tools-version: 6.1
import PackageDescription

/// Settings every Swift target shares.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "thumbworker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "thumbworker", targets: ["thumbworker"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CAffinity"),
        .target(
            name: "CVipsShim",
            dependencies: ["CVips"],
            // The resampler's loops are optimised in debug builds too: at -O0 they made the debug tests' renders
            // several times slower than libvips' own (optimised) code around them.
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("turbojpeg")]
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
            name: "AWSClients",
            dependencies: [
                "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WorkerCore",
            dependencies: [
                "Imaging",
                "Yams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Backfill",
            dependencies: ["WorkerCore", "Imaging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebhookSigning",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WorkerAWS",
            dependencies: [
                "WorkerCore",
                "AppCore",
                "AWSClients",
                "WebhookSigning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AppCore",
            dependencies: ["WorkerCore", "Imaging"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Serve",
            dependencies: [
                "AppCore",
                "WorkerCore",
                "Imaging",
                "SigV4",
                "WebhookSigning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.embedInCode("Page/index.html"), .embedInCode("Page/app.css"), .embedInCode("Page/app.js")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LocalBackend",
            dependencies: [
                "AppCore",
                "WorkerCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MetricsEndpoint",
            dependencies: [
                "WorkerCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "thumbworker",
            dependencies: [
                "CMalloc",
                "CAffinity",
                "WorkerCore",
                "Backfill",
                "WorkerAWS",
                "LocalBackend",
                "MetricsEndpoint",
                "Serve",
                "AppCore",
                "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ImagingTests", dependencies: ["Imaging", "CVipsShim", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4", "TestSupport"], swiftSettings: swiftSettings),
        .target(
            name: "TestSupport",
            dependencies: [
                "AWSClients",
                "SigV4",
                "WorkerCore",
                "Imaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSClientsTests",
            dependencies: [
                "AWSClients",
                "SigV4",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkerCoreTests",
            dependencies: [
                "WorkerCore",
                "Imaging",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                "Yams",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackfillTests",
            dependencies: ["Backfill", "WorkerCore", "LocalBackend", "Imaging", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkerAWSTests",
            dependencies: [
                "WorkerAWS",
                "WebhookSigning",
                "AppCore",
                "WorkerCore",
                "AWSClients",
                "SigV4",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppCoreTests",
            dependencies: ["AppCore", "WorkerCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "Serve",
                "AppCore",
                "WorkerCore",
                "LocalBackend",
                "Imaging",
                "SigV4",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocalBackendTests",
            dependencies: ["LocalBackend", "AppCore", "WorkerCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetricsEndpointTests",
            dependencies: [
                "MetricsEndpoint",
                "WorkerCore",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "thumbworkerTests",
            dependencies: [
                "thumbworker", "WorkerCore", "Backfill", "LocalBackend", "Imaging", "AWSClients", "SigV4", "WorkerAWS",
                "AppCore",
                "TestSupport",
                "Yams",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// Microbenchmarks of Imaging with ordo-one/benchmark (benchmarks/README.md), added only when ENABLE_BENCHMARKS
// is set, so `swift build` and the tests never resolve the benchmark package or need its malloc interposer:
//
//     ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark
//
// The plugin only picks up targets whose folder sits in one named `Benchmarks`, hence benchmarks/Benchmarks/.
// The "MallocInterposer" trait alone: the default "RuntimeInterposer" trait needs swift-runtime-interposer.
if Context.environment["ENABLE_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "ImagingBenchmarks",
            dependencies: [
                "Imaging",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "benchmarks/Benchmarks/ImagingBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    )
}
