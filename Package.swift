// swift-tools-version: 6.1
// Cloister: a Proof-of-Authority, Ethereum-style chain engine.
// Target order follows the layer table in DESIGN.md: a target imports only
// targets listed before it. `tools/check-layers.py` enforces this in `make test`.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Cloister",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cloister", targets: ["CloisterCLI"]),
        .executable(name: "cloister-enclave", targets: ["CloisterEnclaveMain"]),
        .library(name: "Primitives", targets: ["Primitives"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C system libraries (Debian packages, found through pkg-config)
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        // libFuzzer's driver entry, declared only (the fuzzer build links it): CloisterFuzz.
        .systemLibrary(name: "CFuzzerDriver"),
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),

        // MARK: Layers, lowest first
        .target(
            name: "Primitives",
            dependencies: ["CSecp256k1"],
            swiftSettings: strict
        ),

        .target(
            name: "Storage",
            dependencies: ["Primitives", "CLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "Trie",
            dependencies: ["Primitives", "Storage"],
            swiftSettings: strict
        ),
        .target(
            name: "ChainTypes",
            dependencies: ["Primitives", "Trie"],
            swiftSettings: strict
        ),
        .target(
            name: "State",
            dependencies: ["Primitives", "Storage", "Trie", "ChainTypes"],
            swiftSettings: strict
        ),
        .target(
            name: "EVM",
            dependencies: [
                "Primitives", "ChainTypes", "COpenSSL", "CGMP",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Execution",
            dependencies: ["Primitives", "ChainTypes", "Storage", "State", "EVM"],
            swiftSettings: strict
        ),

        .target(
            name: "Keystore",
            dependencies: [
                "Primitives",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Consensus",
            dependencies: ["Primitives", "ChainTypes", "Storage"],
            swiftSettings: strict
        ),
        .target(
            name: "Attestation",
            dependencies: [
                "Primitives", "ChainTypes",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "EnclaveProtocol",
            dependencies: ["Primitives", "ChainTypes", "Attestation", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "ConfidentialState",
            dependencies: ["Primitives", "ChainTypes", "State", "Attestation"],
            swiftSettings: strict
        ),
        .target(
            name: "Confidential",
            dependencies: ["Primitives", "ChainTypes", "Attestation", "EnclaveProtocol", "ConfidentialState",
                           .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "Chain",
            dependencies: ["Primitives", "ChainTypes", "Storage", "Trie", "State", "EVM", "Execution", "Consensus",
                           "Attestation", "ConfidentialState", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: strict
        ),
        .target(
            name: "P2P",
            dependencies: [
                "Primitives", "ChainTypes", "Chain", "CSnappy", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RPC",
            dependencies: [
                "Primitives", "ChainTypes", "Chain", "Consensus", "EVM", "State", "Attestation", "ConfidentialState",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Enclave",
            dependencies: [
                "Primitives", "ChainTypes", "Attestation", "EnclaveProtocol", "ConfidentialState", "Consensus", "Trie", "State", "EVM", "Execution",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Node",
            dependencies: [
                "Primitives", "ChainTypes", "Storage", "State", "Consensus", "Chain", "RPC", "Keystore", "P2P",
                "Attestation", "EnclaveProtocol", "Confidential",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // MARK: Executables
        .executableTarget(
            name: "CloisterCLI",
            dependencies: [
                "Primitives", "Storage", "ChainTypes", "State", "EVM", "Execution", "Consensus", "Chain", "Keystore",
                "RPC", "P2P", "Node", "Attestation", "EnclaveProtocol", "Confidential",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `cloister conf`: the client side of confidential transactions (HPKE, GCM-SIV).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The enclave process. Its measurement (MRENCLAVE) is the sha256 of this file, so
        // the Swift runtime and Foundation are linked in statically (CONFIDENTIAL.md
        // section 2): what is measured is what runs, apart from the C libraries it loads.
        .executableTarget(
            name: "CloisterEnclaveMain",
            dependencies: [
                "Primitives", "Enclave", "EnclaveProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            linkerSettings: [.unsafeFlags(["-static-stdlib",
                                           // Foundation's own static dependencies, which autolinking
                                           // names only for modules compiled with -static-stdlib.
                                           "-Xlinker", "--start-group",
                                           "-lFoundation", "-lFoundationEssentials", "-lFoundationInternationalization",
                                           "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                                           "-l_FoundationCollections", "-lswiftSynchronization", "-lswiftDispatch",
                                           "-ldispatch", "-lBlocksRuntime",
                                           "-Xlinker", "--end-group"])]
        ),

        // MARK: Fuzzing (`make fuzz`, tools/fuzz.sh): libFuzzer targets for peer-data decoders.
        // Built with `-sanitize=fuzzer -DFUZZING` into .build-fuzz; a normal build makes
        // the replay tool of the same code.
        .executableTarget(
            name: "CloisterFuzz",
            dependencies: [
                "P2P", "ChainTypes", "Primitives", "CFuzzerDriver", "Attestation", "EnclaveProtocol", "Enclave",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        // MARK: Test support and tests
        .target(
            name: "TestSupport",
            dependencies: ["Primitives", "ChainTypes", "EVM", "P2P", "Attestation",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PrimitivesTests",
            dependencies: [
                "Primitives", "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrieTests",
            dependencies: ["Trie", "Storage", "Primitives", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChainTypesTests",
            dependencies: ["ChainTypes", "Trie", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StateTests",
            dependencies: ["State", "ChainTypes", "Trie", "Storage", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EVMTests",
            dependencies: ["EVM", "ChainTypes", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExecutionTests",
            dependencies: ["Execution", "EVM", "State", "Storage", "ChainTypes", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConsensusTests",
            dependencies: ["Consensus", "ChainTypes", "Storage", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChainTests",
            dependencies: ["Chain", "Consensus", "Execution", "State", "Storage", "ChainTypes", "Primitives", "TestSupport", "Trie",
                           "Attestation", "ConfidentialState", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeystoreTests",
            dependencies: ["Keystore", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NodeTests",
            dependencies: ["Node", "RPC", "Primitives",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "CoreMetrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RPCTests",
            dependencies: ["RPC", "Chain", "Consensus", "State", "Storage", "ChainTypes", "Primitives", "TestSupport",
                           "Attestation", "ConfidentialState",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "P2PTests",
            dependencies: ["P2P", "CSnappy", "Chain", "ChainTypes", "Primitives", "TestSupport", "Storage", "State", "Consensus",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AttestationTests",
            dependencies: ["Attestation", "ChainTypes", "Primitives", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "X509", package: "swift-certificates"),
                           .product(name: "SwiftASN1", package: "swift-asn1")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConfidentialTests",
            dependencies: ["ConfidentialState", "Attestation", "ChainTypes", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EnclaveTests",
            dependencies: ["Enclave", "EnclaveProtocol", "Confidential", "ConfidentialState", "Attestation", "ChainTypes", "Primitives",
                           "TestSupport", "Chain", "Consensus", "Storage", "State", "Trie", "Execution",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["Primitives", "Trie", "ChainTypes", "State", "Storage", "TestSupport",
                           .product(name: "BigInt", package: "BigInt")],
            swiftSettings: strict
        ),

        // MARK: Benchmarks (`make bench`; never part of `swift test`)
        .executableTarget(
            name: "EVMBenchmarks",
            dependencies: ["Primitives", "ChainTypes", "State", "EVM", "Execution"],
            path: "Benchmarks/EVMBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "ChainBenchmarks",
            dependencies: ["Primitives", "Storage", "ChainTypes", "State", "Consensus", "Chain"],
            path: "Benchmarks/ChainBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "NetworkBenchmarks",
            dependencies: ["Primitives", "Storage", "ChainTypes", "State", "Consensus", "Chain", "P2P", "TestSupport",
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/NetworkBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "AttestationBenchmarks",
            dependencies: ["Primitives", "ChainTypes", "Attestation", "EnclaveProtocol", "Confidential", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/AttestationBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "StateBenchmarks",
            dependencies: ["Primitives", "Storage", "Trie", "ChainTypes", "State"],
            path: "Benchmarks/StateBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "PrimitivesBenchmarks",
            dependencies: [
                "Primitives",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/PrimitivesBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
