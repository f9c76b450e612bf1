import Foundation
import Crypto
import Primitives
import ChainTypes
import Attestation

/// A simulated root, a platform, and a quote that passes all ten checks at ``blockTime``;
/// each negative test alters it in exactly one respect.
struct QuoteFixture {
    static let blockTime: UInt64 = 1_800_000_000
    static let rootNotBefore = Date(timeIntervalSince1970: 1_700_000_000)
    static let rootNotAfter = Date(timeIntervalSince1970: 1_900_000_000)
    static let platformNotBefore = Date(timeIntervalSince1970: 1_750_000_000)
    static let platformNotAfter = Date(timeIntervalSince1970: 1_850_000_000)
    static let mrEnclave = Hash32(Array(repeating: 0xA1, count: 32))!
    static let genesisHash = Hash32(Array(repeating: 0x6E, count: 32))!
    static let chainID: UInt64 = 4242
    static let ancestors: [Hash32] = (0..<100).map { Keccak256.hash([UInt8(truncatingIfNeeded: $0), 0x42]) }

    let root: SimulatedRoot
    let platform: PlatformCredentials
    let signer: SimulatedQuoteSigner
    let claimed: ClaimedEnclave
    var rules: ConfidentialConfig
    var revoked: Set<[UInt8]> = []
    var blockTime = QuoteFixture.blockTime
    var ancestors = QuoteFixture.ancestors
    var quote: Quote

    init(tcb: PlatformTCB = PlatformTCB(cpuSvn: [UInt8](repeating: 2, count: 16), pceSvn: 3, qeSvn: 4),
         intermediates: (SimulatedRoot) throws -> [SimulatedRoot] = { _ in [] },
         debug: Bool = false, freshness: Hash32 = QuoteFixture.ancestors[3]) throws {
        root = try SimulatedRoot.create(notBefore: Self.rootNotBefore, notAfter: Self.rootNotAfter)
        platform = try root.issuePlatform(notBefore: Self.platformNotBefore, notAfter: Self.platformNotAfter, tcb: tcb,
                                          intermediates: try intermediates(root))
        signer = SimulatedQuoteSigner(platform: platform)
        claimed = ClaimedEnclave(authority: Address(Array(repeating: 0xAA, count: 20))!,
                                 signingKey: Secp256k1.PrivateKey().publicKey.compressed,
                                 encryptionKey: Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation))
        rules = ConfidentialConfig(platforms: ["simulated-sgx"], insecureSimulation: true,
                                   trustAnchors: ["simulated-sgx": root.trustAnchor], measurements: [Self.mrEnclave],
                                   minIsvSvn: 1, minCpuSvn: [UInt8](repeating: 1, count: 16), minPceSvn: 2, minQeSvn: 3,
                                   allowDebug: false, freshnessBlocks: 64, epochLength: 1000, enclaveQuorum: 1)
        let binding = EnclaveBinding(chainID: Self.chainID, genesisHash: Self.genesisHash, policyHash: rules.policyHash,
                                     authority: claimed.authority, signingKey: claimed.signingKey, encryptionKey: claimed.encryptionKey)
        let body = signer.report(mrEnclave: Self.mrEnclave, isvSvn: 2, debug: debug, reportData: binding.reportData(freshness: freshness))
        quote = signer.quote(body: body, qeAuthData: [1, 2, 3])
        genesisPolicyHash = rules.policyHash
    }

    /// The genesis policy hash the quote binds (fixed at creation, whatever `rules` becomes).
    var genesisPolicyHash: Hash32

    var context: VerificationContext {
        VerificationContext(chainID: Self.chainID, genesisHash: Self.genesisHash,
                            policy: AttestationPolicy(rules: rules, revokedPlatforms: revoked),
                            genesisPolicyHash: genesisPolicyHash, blockTime: blockTime, ancestorHashes: ancestors)
    }

    /// The verdict on `bytes` (the fixture's quote by default).
    func verify(_ bytes: [UInt8]? = nil, claimed: ClaimedEnclave? = nil) -> Result<VerifiedEnclave, AttestationError> {
        do { return .success(try QuoteVerifier.verify(quote: bytes ?? quote.bytes, claimed: claimed ?? self.claimed, context: context)) }
        catch { return .failure(error) }
    }

    /// The check that refused, or nil when the quote passed.
    func failingCheck(_ bytes: [UInt8]? = nil, claimed: ClaimedEnclave? = nil) -> AttestationCheck? {
        if case .failure(let e) = verify(bytes, claimed: claimed) { return e.check }
        return nil
    }

    /// Alters the body, then re-signs everything so that only the alteration differs.
    mutating func alterBody(_ change: (inout ReportBody) -> Void) {
        change(&quote.body)
        signer.certify(&quote)
        signer.sign(&quote)
    }
}
