import Testing
import Foundation
import Primitives
import ChainTypes
import Attestation
import ConfidentialState
import TestSupport

/// Section 7's rules and effects over the registry: joins (passing and failing), bootstrap,
/// grants, replacement and revocation, with real simulated quotes.
@Suite struct RegistryTransitionTests {
    struct Chain {
        let root: SimulatedRoot
        let signer: SimulatedQuoteSigner
        let mr = Keccak256.hash([0x3E])
        let genesisHash = Keccak256.hash([0x6E])
        let ancestors = (0..<10).map { Keccak256.hash([UInt8($0), 0x77]) }
        let authorities = ["A", "B", "C"].map(TestKeys.key)
        var policy: AttestationPolicy

        init() throws {
            root = try SimulatedRoot.create(notBefore: Date(timeIntervalSince1970: 1_700_000_000), notAfter: Date(timeIntervalSince1970: 1_900_000_000))
            let platform = try root.issuePlatform(notBefore: Date(timeIntervalSince1970: 1_700_000_000), notAfter: Date(timeIntervalSince1970: 1_900_000_000))
            signer = SimulatedQuoteSigner(platform: platform)
            policy = AttestationPolicy(genesis: .simulated(trustAnchor: root.trustAnchor, measurements: [mr]))
        }

        func context(block: UInt64, signers: Set<Address>? = nil) -> RegistryContext {
            RegistryContext(chainID: 4242, genesisHash: genesisHash, genesisPolicyHash: policy.rules.policyHash, blockNumber: block,
                            blockTime: 1_800_000_000,
                            ancestorHashes: ancestors, signers: signers ?? Set(authorities.map(\.address)), policy: policy)
        }

        /// An enclave's statement key and a join for it by `authority`.
        func join(_ authority: Secp256k1.PrivateKey, nonce: UInt64 = 0, measurement: Hash32? = nil) -> (Secp256k1.PrivateKey, SignedSystemTransaction) {
            let enclaveKey = Secp256k1.PrivateKey()
            let encryption = Keccak256.hash(enclaveKey.publicKey.compressed).bytes
            let binding = EnclaveBinding(chainID: 4242, genesisHash: genesisHash, policyHash: policy.rules.policyHash, authority: authority.address,
                                         signingKey: enclaveKey.publicKey.compressed, encryptionKey: encryption)
            let body = signer.report(mrEnclave: measurement ?? mr, isvSvn: 1, debug: false, reportData: binding.reportData(freshness: ancestors[2]))
            let quote = signer.quote(body: body).bytes
            let tx = SystemTransaction(chainID: 4242, nonce: nonce, payload: .join(EnclaveJoin(quote: quote, signingKey: enclaveKey.publicKey.compressed,
                                                                                               encryptionKey: encryption)))
            return (enclaveKey, tx.signed(with: authority))
        }

        func generation(_ g: UInt32, by enclave: Secp256k1.PrivateKey, wraps ids: [Hash32], keyCheck: [UInt8]) -> SignedSystemTransaction {
            let wraps = ids.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.map { EnclaveWrap(enclaveID: $0, wrapped: Array(repeating: 1, count: 80)) }
            let chained = g == 1 ? [] : [UInt8](repeating: 2, count: 48)
            let digest = ConfidentialDigest.keyGeneration(chainID: 4242, generation: g, keyCheck: keyCheck, chainedPrevious: chained,
                                                          wraps: wraps.map { ($0.enclaveID, $0.wrapped) })
            let payload = KeyGeneration(generation: g, keyCheck: keyCheck, chainedPrevious: chained, wraps: wraps,
                                        enclaveID: Keccak256.hash(enclave.publicKey.compressed), enclaveSignature: enclave.sign(hash: digest).compact)
            return SystemTransaction(chainID: 4242, nonce: 1, payload: .generation(payload)).signed(with: authorities[0])
        }

        func grant(_ g: UInt32, from grantor: Secp256k1.PrivateKey, to target: Hash32, keyCheck: [UInt8]) -> SignedSystemTransaction {
            let wrapped = [UInt8](repeating: 3, count: 80)
            let digest = ConfidentialDigest.grant(chainID: 4242, generation: g, targetEnclaveID: target, wrapped: wrapped, keyCheck: keyCheck)
            let payload = KeyGrant(targetEnclaveID: target, generation: g, wrapped: wrapped, keyCheck: keyCheck,
                                   grantorEnclaveID: Keccak256.hash(grantor.publicKey.compressed), grantorSignature: grantor.sign(hash: digest).compact)
            return SystemTransaction(chainID: 4242, nonce: 2, payload: .grant(payload)).signed(with: authorities[0])
        }
    }

    static func id(_ key: Secp256k1.PrivateKey) -> Hash32 { Keccak256.hash(key.publicKey.compressed) }

    @Test func bootstrapJoinGrantAndRevocation() throws {
        let c = try Chain()
        var registry = Registry(slots: SlotMap())
        let (a, joinA) = c.join(c.authorities[0])
        #expect(try registry.apply(joinA, sender: c.authorities[0].address, context: c.context(block: 1)) == .applied)
        #expect(try registry.enclave(Self.id(a))?.standing == .pending)

        let check1 = [UInt8](repeating: 0x11, count: 32)
        _ = try registry.apply(c.generation(1, by: a, wraps: [Self.id(a)], keyCheck: check1), sender: c.authorities[0].address, context: c.context(block: 2))
        #expect(try registry.currentGeneration() == 1)
        #expect(try registry.enclave(Self.id(a))?.standing == .trusted)

        let (b, joinB) = c.join(c.authorities[1])
        _ = try registry.apply(joinB, sender: c.authorities[1].address, context: c.context(block: 3))
        #expect(try registry.enclave(Self.id(b))?.standing == .pending)
        // A grant with another keyCheck, or signed by the wrong enclave, makes the block invalid.
        #expect(throws: RegistryRuleError.self) {
            try registry.apply(c.grant(1, from: a, to: Self.id(b), keyCheck: Array(repeating: 0x12, count: 32)),
                               sender: c.authorities[0].address, context: c.context(block: 4))
        }
        var forged = c.grant(1, from: b, to: Self.id(b), keyCheck: check1)
        if case .grant(var g) = forged.transaction.payload {
            g.grantorEnclaveID = Self.id(a)
            forged = SystemTransaction(chainID: 4242, nonce: 2, payload: .grant(g)).signed(with: c.authorities[0])
        }
        #expect(throws: RegistryRuleError.self) { try registry.apply(forged, sender: c.authorities[0].address, context: c.context(block: 4)) }
        _ = try registry.apply(c.grant(1, from: a, to: Self.id(b), keyCheck: check1), sender: c.authorities[0].address, context: c.context(block: 4))
        #expect(try registry.enclave(Self.id(b))?.standing == .trusted && registry.enclave(Self.id(b))?.generation == 1)

        // B's authority leaves: its enclave is revoked, and generation 2 wraps only A.
        let remaining: Set<Address> = [c.authorities[0].address, c.authorities[2].address]
        #expect(try registry.revokeNoLongerAdmitted(policy: c.policy, signers: remaining) == [Self.id(b)])
        #expect(throws: RegistryRuleError.self) {
            try registry.apply(c.generation(2, by: a, wraps: [Self.id(a), Self.id(b)], keyCheck: Array(repeating: 0x22, count: 32)),
                               sender: c.authorities[0].address, context: c.context(block: 5, signers: remaining))
        }
        _ = try registry.apply(c.generation(2, by: a, wraps: [Self.id(a)], keyCheck: Array(repeating: 0x22, count: 32)),
                               sender: c.authorities[0].address, context: c.context(block: 5, signers: remaining))
        #expect(try registry.currentGeneration() == 2 && registry.enclave(Self.id(b))?.standing == .revoked)
    }

    @Test func aFailingJoinIsIncludedWithItsCheckAndRegistersNothing() throws {
        let c = try Chain()
        var registry = Registry(slots: SlotMap())
        let (_, join) = c.join(c.authorities[0], measurement: Keccak256.hash([0x99]))
        guard case .joinFailed(let error) = try registry.apply(join, sender: c.authorities[0].address, context: c.context(block: 1)) else {
            Issue.record("an unlisted measurement joined"); return
        }
        #expect(error.check == .identity)
        #expect(try registry.enclaves().isEmpty)
        #expect(try registry.joinFailure(join.hash)?.check == 8)
    }

    @Test func joinsFromStrangersOrTooOftenAreInvalid() throws {
        let c = try Chain()
        var registry = Registry(slots: SlotMap())
        let stranger = TestKeys.key("Z")
        let (_, fromStranger) = c.join(stranger)
        #expect(throws: RegistryRuleError.self) { try registry.apply(fromStranger, sender: stranger.address, context: c.context(block: 1)) }
        _ = try registry.apply(c.join(c.authorities[0]).1, sender: c.authorities[0].address, context: c.context(block: 1))
        #expect(throws: RegistryRuleError.self) {
            try registry.apply(c.join(c.authorities[0], nonce: 1).1, sender: c.authorities[0].address, context: c.context(block: 500))
        }
        // A join signed for another chain is refused before its quote is read (a quote bound to
        // another chain fails check 9: AttestationTests).
        var other = c.context(block: 2000)
        other.chainID = 4243
        let (_, foreign) = c.join(c.authorities[1])
        #expect(throws: RegistryRuleError.self) { try registry.apply(foreign, sender: c.authorities[1].address, context: other) }
    }

    @Test func aReplacementRevokesTheOldEnclaveOnlyOnceItHoldsTheSecret() throws {
        let c = try Chain()
        var registry = Registry(slots: SlotMap())
        let (a, joinA) = c.join(c.authorities[0])
        _ = try registry.apply(joinA, sender: c.authorities[0].address, context: c.context(block: 1))
        let check1 = [UInt8](repeating: 0x11, count: 32)
        _ = try registry.apply(c.generation(1, by: a, wraps: [Self.id(a)], keyCheck: check1), sender: c.authorities[0].address, context: c.context(block: 2))
        let (a2, joinA2) = c.join(c.authorities[0], nonce: 2)
        _ = try registry.apply(joinA2, sender: c.authorities[0].address, context: c.context(block: 1001))
        #expect(try registry.enclave(Self.id(a))?.standing == .trusted)   // the one-authority chain keeps its secret
        _ = try registry.apply(c.grant(1, from: a, to: Self.id(a2), keyCheck: check1), sender: c.authorities[0].address, context: c.context(block: 1002))
        #expect(try registry.enclave(Self.id(a2))?.standing == .trusted)
        #expect(try registry.enclave(Self.id(a))?.standing == .revoked)
    }
}

extension Registry {
    /// A signed transaction as the chain hands it over: its content and its hash.
    mutating func apply(_ tx: SignedSystemTransaction, sender: Address, context: RegistryContext) throws -> RegistryOutcome {
        try apply(tx.transaction, hash: tx.hash, sender: sender, context: context)
    }
}
