public import Foundation
public import Primitives
public import ChainTypes
public import Attestation

/// A simulated attestation platform for tests of chains with a confidential module: a root,
/// a platform under it, and the policy that trusts it for one measurement. Makes `0x41`
/// joins whose quotes pass the verifier (or fail it in one chosen respect).
public struct SimulatedJoins: Sendable {
    public let root: SimulatedRoot
    public let signer: SimulatedQuoteSigner
    public let measurement: Hash32
    public let policy: ConfidentialConfig

    /// Certificates valid from 2023-11 to 2030-03 (tests use the wall clock for block time).
    public init(measurement: Hash32 = Keccak256.hash([0x3E])) throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000), end = Date(timeIntervalSince1970: 1_900_000_000)
        root = try SimulatedRoot.create(notBefore: start, notAfter: end)
        signer = SimulatedQuoteSigner(platform: try root.issuePlatform(notBefore: start, notAfter: end))
        self.measurement = measurement
        policy = .simulated(trustAnchor: root.trustAnchor, measurements: [measurement])
    }

    /// A join by `authority` for `enclaveKey`, its report data bound to `boundChainID`
    /// (the chain's own id unless a test wants check 9 to fail) and to `freshness`.
    public func join(by authority: Secp256k1.PrivateKey, nonce: UInt64, chainID: UInt64, genesisHash: Hash32, freshness: Hash32,
                     enclaveKey: Secp256k1.PrivateKey = Secp256k1.PrivateKey(), boundChainID: UInt64? = nil) -> SignedTransaction {
        let encryption = Keccak256.hash(enclaveKey.publicKey.compressed).bytes
        let binding = EnclaveBinding(chainID: boundChainID ?? chainID, genesisHash: genesisHash, policyHash: policy.policyHash,
                                     authority: authority.address, signingKey: enclaveKey.publicKey.compressed, encryptionKey: encryption)
        let body = signer.report(mrEnclave: measurement, isvSvn: 1, debug: false, reportData: binding.reportData(freshness: freshness))
        let payload = EnclaveJoin(quote: signer.quote(body: body).bytes, signingKey: enclaveKey.publicKey.compressed, encryptionKey: encryption)
        return SystemTransaction(chainID: chainID, nonce: nonce, payload: .join(payload)).signed(with: authority).signedTransaction
    }
}
