import Foundation
import Primitives
import ChainTypes
import Attestation
import EnclaveProtocol
import Enclave
import TestSupport

/// A simulated root and platform, and a genesis whose policy trusts them and the given
/// measurements, written into a fresh temporary directory.
struct EnclaveFixture {
    let directory: URL
    let root: SimulatedRoot
    let platform: PlatformCredentials
    let authority = Address(Array(repeating: 0xA7, count: 20))!
    let genesisFile: String
    let platformFile: String
    let genesis: Genesis

    init(measurements: [Hash32]) throws {
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("cloister-enclave-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let now = Date()
        root = try SimulatedRoot.create(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 365))
        platform = try root.issuePlatform(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 30))
        platformFile = directory.appendingPathComponent("platform.json").path
        FileManager.default.createFile(atPath: platformFile, contents: Data(platform.fileContents), attributes: [.posixPermissions: 0o600])
        let json = ConfidentialGenesis.json(signer: authority,
                                            policy: .simulated(trustAnchor: root.trustAnchor, measurements: measurements))
        genesisFile = directory.appendingPathComponent("genesis.json").path
        FileManager.default.createFile(atPath: genesisFile, contents: json)
        genesis = try Genesis(json: json)
    }

    var rules: ConfidentialConfig { genesis.config.confidential! }

    /// The context a block at `time` with `ancestors` gives the verifier.
    func context(time: UInt64 = UInt64(Date().timeIntervalSince1970), ancestors: [Hash32]) -> VerificationContext {
        VerificationContext(chainID: genesis.config.chainID, genesisHash: genesis.header.hash, policy: AttestationPolicy(genesis: rules),
                            genesisPolicyHash: rules.policyHash, blockTime: time, ancestorHashes: ancestors)
    }

    /// An in-process enclave configuration for this chain.
    func configuration(mrEnclave: Hash32, platform: PlatformCredentials? = nil) -> EnclaveConfiguration {
        EnclaveConfiguration(chainID: genesis.config.chainID, genesisHash: genesis.header.hash, policyHash: rules.policyHash,
                             authority: authority, mrEnclave: mrEnclave, debug: false, platform: platform ?? self.platform)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The `cloister-enclave` built beside the test bundle, if any.
    static var enclaveBinary: String? {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        // The test runner may live inside the .xctest bundle.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("cloister-enclave").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static let noBinary = "cloister-enclave is not built beside the tests (swift build --product cloister-enclave): skipped"
}
