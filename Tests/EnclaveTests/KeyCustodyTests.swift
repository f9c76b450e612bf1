import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import Attestation
import EnclaveProtocol
import ConfidentialState
import Confidential
import Enclave
import TestSupport

/// The enclave's key custody against a real chain (CONFIDENTIAL.md section 7): two
/// authorities' in-process enclaves on-board through system transactions on facts proven
/// at buried blocks, and every way a host might slip its enclave a secret or a fact fails.
@Suite struct KeyCustodyTests {
    static let mr = Keccak256.hash([0x6B])
    /// A funded account that sends confidential transactions.
    static let client = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x77, count: 32))

    /// Two authorities (A, B) on one chain, each with an in-process enclave; the test plays
    /// both hosts.
    final class Consortium {
        let fixture: EnclaveFixture
        let genesis: Genesis
        let chain: Blockchain
        let pool: TransactionPool
        let authorities = ["A", "B"].map(TestKeys.key)
        let enclaves: [EnclaveService]

        init() throws {
            fixture = try EnclaveFixture(measurements: [KeyCustodyTests.mr])
            let json = ConfidentialGenesis.json(signers: authorities.map(\.address), policy: fixture.rules,
                                                funded: [KeyCustodyTests.client.address])
            genesis = try Genesis(json: json)
            let store = InMemoryStore()
            _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: Array(json))
            let clique = Clique(config: genesis.config.clique ?? CliqueConfig(period: 1, epoch: 30_000))
            // Blocks carry times from now on, one second apart: allow them ahead of the wall clock.
            chain = try Blockchain(store: store, config: genesis.config, engine: clique, clock: { UInt64.max / 2 })
            pool = TransactionPool(chain: chain)
            let header = genesis.header, chainID = genesis.config.chainID, policy = fixture.rules, platform = fixture.platform
            let rules = EnclaveChainRules(genesis: header, cliqueEpoch: 30_000, policy: policy, config: genesis.config)
            enclaves = try ["A", "B"].map(TestKeys.key).map { key in
                let configuration = EnclaveConfiguration(chainID: chainID, genesisHash: header.hash, policyHash: policy.policyHash,
                                                         authority: key.address, mrEnclave: KeyCustodyTests.mr, debug: false,
                                                         platform: platform, chain: rules)
                return try EnclaveService(configuration: configuration, keys: IdentityKeys())
            }
        }

        deinit { fixture.remove() }

        var turn = 0
        /// Seals one block with what the pool holds, the two authorities taking turns.
        @discardableResult
        func seal(lane: Bool = false) throws -> Block {
            let key = authorities[turn % 2]
            let enclave = enclaves[turn % 2]
            turn += 1
            var builder = BlockBuilder(chain: chain, pool: pool, key: key)
            if lane { builder.lane = InProcessLane(chain: chain, enclave: enclave) }
            let now = max(UInt64(Date().timeIntervalSince1970), chain.head.header.timestamp + 1)
            return try builder.build(try builder.prepare(on: chain.head, now: now)).block
        }

        func send(_ payload: SystemPayload, from i: Int) throws {
            let key = authorities[i]
            try pool.add(SystemTransaction(chainID: genesis.config.chainID, nonce: pool.nextNonce(key.address), payload: payload)
                .signed(with: key).signedTransaction)
        }

        /// Links every canonical header into enclave `i`.
        func link(_ i: Int) throws {
            let headers = (1...max(chain.head.header.number, 1)).compactMap { chain.canonicalHeader($0)?.header }
            guard case .linked = enclaves[i].handle(.linkHeaders(chain.head.header.number == 0 ? [] : headers)) else {
                throw KeyCustodyError("link refused")
            }
        }

        /// The registry proof at block `number`.
        func facts(at number: UInt64) throws -> RegistryProof {
            let reader = try chain.stateReader(atBlock: number)
            let slots = try RecordingRegistrySlots.factSlots(reader: reader, genesis: fixture.rules)
            guard let hash = chain.canonicalHeader(number)?.hash, let proof = try chain.proof(RegistryLayout.address, slots: slots, atHash: hash) else {
                throw KeyCustodyError("no proof")
            }
            return RegistryProof(block: number, accountProof: proof.accountProof,
                                 slots: proof.storage.map { RegistryProof.SlotProof(slot: $0.key, proof: $0.proof) })
        }

        func join(_ i: Int) throws {
            guard case .evidence(let e) = enclaves[i].handle(.getEvidence(freshness: chain.head.hash)) else { throw KeyCustodyError("no evidence") }
            try send(.join(EnclaveJoin(quote: e.quote, signingKey: e.signingKey, encryptionKey: e.encryptionKey)), from: i)
        }

        func payload(_ reply: EnclaveReply) throws -> SystemPayload {
            guard case .systemPayload(let bytes) = reply else { throw KeyCustodyError("refused: \(reply)") }
            return try SystemPayload(encoded: bytes)
        }

        var registry: Registry<RegistryReaderSlots> { Registry(slots: RegistryReaderSlots(reader: (try? chain.state.latest()) ?? EmptyStateReader())) }
    }

    /// Both enclaves join; A bootstraps generation 1 wrapped to both; both install it from
    /// the chain and derive the same epoch key.
    @discardableResult
    static func onboard(_ c: Consortium) throws -> KeyGeneration {
        try c.join(0); try c.join(1)
        try c.seal()             // 1: both joins
        try c.seal(); try c.seal()  // 2, 3: block 1 buried under both signers
        // Generation 1 comes from the first registered enclave (the block's order decides).
        let firstID = try c.registry.enclaveIDs().first
        let first = c.enclaves.firstIndex { $0.keys.enclaveID == firstID } ?? 0
        try c.link(first)
        guard case .generation(let generation) = try c.payload(c.enclaves[first].handle(.generateKey(generation: 1, facts: try c.facts(at: 1)))) else {
            throw KeyCustodyError("not a key generation")
        }
        // The other enclave cannot make generation 1.
        try c.link(1 - first)
        guard case .error(.refused, _) = c.enclaves[1 - first].handle(.generateKey(generation: 1, facts: try c.facts(at: 1))) else {
            throw KeyCustodyError("a second enclave made generation 1")
        }
        try c.send(.generation(generation), from: first)
        try c.seal(); try c.seal(); try c.seal()  // 4: the 0x43; 5, 6 bury it
        for i in 0..<2 {
            try c.link(i)
            #expect(c.enclaves[i].handle(.installKey(payload: SystemPayload.generation(generation).encoded, facts: try c.facts(at: 4)))
                    == .installed(generation: 1))
        }
        return generation
    }

    @Test func twoEnclavesOnboardAndDeriveTheSameEpochKey() throws {
        let c = try Consortium()
        let generation = try Self.onboard(c)
        #expect(generation.wraps.count == 2)
        #expect(generation.wraps.map(\.enclaveID) == generation.wraps.map(\.enclaveID).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) })
        let enclaves = try c.registry.enclaves()
        #expect(enclaves.map(\.standing) == [.trusted, .trusted])
        guard case .txKeyStatement(let keyA, let sigA) = c.enclaves[0].handle(.txKey(epoch: 0, generation: 1)),
              case .txKeyStatement(let keyB, _) = c.enclaves[1].handle(.txKey(epoch: 0, generation: 1)) else {
            Issue.record("no statement"); return
        }
        #expect(keyA == keyB)
        let digest = ConfidentialDigest.txKey(chainID: c.genesis.config.chainID, epoch: 0, generation: 1, suite: 1, publicKey: keyA)
        let signer = try Secp256k1.recover(hash: digest, signature: try Secp256k1.RecoverableSignature(compact: sigA))
        #expect(signer.compressed == c.enclaves[0].keys.signingKey)
        // The generating enclave's registry record names it; both hold generation 1.
        #expect(c.enclaves.map { $0.custody?.generations } == [[1], [1]])
        // A generation the enclave does not hold gives no statement.
        guard case .error(.refused, _) = c.enclaves[0].handle(.txKey(epoch: 0, generation: 2)) else { Issue.record("signed for generation 2"); return }
    }

    @Test func aSelfMadeSecretWithAMatchingKeyCheckIsRefused() throws {
        let c = try Consortium()
        try Self.onboard(c)
        // B's host wraps a secret of its own to its enclave (HPKE base mode lets anyone) as
        // a generation 2, with the keyCheck that secret gives, signed by a key of its own.
        let fake = ConsortiumSecret(generation: 2)
        let target = c.enclaves[1].keys.enclaveID
        let wrapped = try GrantWrapping.wrap(fake, to: c.enclaves[1].keys.encryptionKey, target: target, chainID: c.genesis.config.chainID)
        let hostKey = Secp256k1.PrivateKey()
        let wraps = [EnclaveWrap(enclaveID: target, wrapped: wrapped)]
        let digest = ConfidentialDigest.keyGeneration(chainID: c.genesis.config.chainID, generation: 2, keyCheck: fake.keyCheck,
                                                      chainedPrevious: Array(repeating: 0, count: 48), wraps: wraps.map { ($0.enclaveID, $0.wrapped) })
        let forged = KeyGeneration(generation: 2, keyCheck: fake.keyCheck, chainedPrevious: Array(repeating: 0, count: 48), wraps: wraps,
                                   enclaveID: Keccak256.hash(hostKey.publicKey.compressed), enclaveSignature: hostKey.sign(hash: digest).compact)
        let reply = c.enclaves[1].handle(.installKey(payload: SystemPayload.generation(forged).encoded, facts: try c.facts(at: 4)))
        guard case .error(.refused, let why) = reply else { Issue.record("installed a self-made secret: \(reply)"); return }
        #expect(why.contains("registry"))
        // The same as a grant of generation 1 under its real keyCheck: the secret does not match it.
        let record = try #require(try c.registry.generations().first)
        let grantDigest = ConfidentialDigest.grant(chainID: c.genesis.config.chainID, generation: 1, targetEnclaveID: target,
                                                   wrapped: wrapped, keyCheck: record.keyCheck)
        let grant = KeyGrant(targetEnclaveID: target, generation: 1, wrapped: wrapped, keyCheck: record.keyCheck,
                             grantorEnclaveID: c.enclaves[0].keys.enclaveID, grantorSignature: hostKey.sign(hash: grantDigest).compact)
        guard case .error(.refused, let why2) = c.enclaves[1].handle(.installKey(payload: SystemPayload.grant(grant).encoded, facts: try c.facts(at: 4))) else {
            Issue.record("installed a grant signed by the host"); return
        }
        #expect(why2.contains("signature"))
        #expect(c.enclaves[1].custody?.generations == [1])
    }

    @Test func factsFromABlockNotBuriedOrNotLinkedAreRefused() throws {
        let c = try Consortium()
        try c.join(0)
        try c.seal()
        try c.link(0)
        // Block 1 has no later block: not buried.
        guard case .error(.refused, let why) = c.enclaves[0].handle(.generateKey(generation: 1, facts: try c.facts(at: 1))) else {
            Issue.record("acted on unburied facts"); return
        }
        #expect(why.contains("sealers"))
        // A proof that does not chain from the block's state root.
        try c.seal(); try c.seal()
        try c.link(0)
        var proof = try c.facts(at: 1)
        proof.accountProof = proof.accountProof.map { node in node.map { $0 ^ 0x01 } }
        guard case .error(.refused, _) = c.enclaves[0].handle(.generateKey(generation: 1, facts: proof)) else {
            Issue.record("accepted a forged proof"); return
        }
        // A header the enclave did not link (another chain's) is refused.
        var forged = c.chain.head.header
        forged.number += 1
        forged.parentHash = Keccak256.hash([9])
        guard case .error(.refused, _) = c.enclaves[0].handle(.linkHeaders([forged])) else { Issue.record("linked a stray header"); return }
        // A header sealed by a key that is not a signer.
        var unsigned = Header(parentHash: c.chain.head.hash, number: c.chain.head.header.number + 1, gasLimit: 30_000_000,
                              timestamp: c.chain.head.header.timestamp + 1, extraData: Array(repeating: 0, count: 32 + 65))
        unsigned.difficulty = .one
        let sealed = try CliqueSeal.sealed(unsigned, with: Secp256k1.PrivateKey())
        guard case .error(.refused, let why3) = c.enclaves[0].handle(.linkHeaders([sealed])) else { Issue.record("linked an unauthorized seal"); return }
        #expect(why3.contains("unauthorized") || why3.contains("signer"))
    }

    @Test func aGrantReachesALateJoinerAndATamperedOneDoesNot() throws {
        let c = try Consortium()
        // A alone first: it bootstraps; B joins after.
        try c.join(0)
        try c.seal(); try c.seal(); try c.seal()      // 1: A's join; 2, 3 bury it
        try c.link(0)
        let g = try c.payload(c.enclaves[0].handle(.generateKey(generation: 1, facts: try c.facts(at: 1))))
        try c.send(g, from: 0)
        try c.seal()                                  // 4: the 0x43, wrapped to A only
        try c.join(1)
        try c.seal(); try c.seal(); try c.seal()      // 5: B's join; 6, 7 bury it
        try c.link(0)
        #expect(c.enclaves[0].handle(.installKey(payload: g.encoded, facts: try c.facts(at: 4))) == .installed(generation: 1))
        // B holds nothing yet: it cannot install A's generation (no wrap for it).
        try c.link(1)
        guard case .error(.refused, _) = c.enclaves[1].handle(.installKey(payload: g.encoded, facts: try c.facts(at: 5))) else {
            Issue.record("installed a generation without a wrap for it"); return
        }
        let grant = try c.payload(c.enclaves[0].handle(.grantKey(target: c.enclaves[1].keys.enclaveID, generation: 1, facts: try c.facts(at: 5))))
        try c.send(grant, from: 0)
        try c.seal(); try c.seal(); try c.seal()      // 8: the grant; 9, 10 bury it
        try c.link(1)
        // Tampered: the wrap swapped for one made to another key. Refused; nothing installed.
        guard case .grant(var tampered) = grant else { Issue.record("not a grant"); return }
        tampered.wrapped = try GrantWrapping.wrap(ConsortiumSecret(generation: 1), to: IdentityKeys().encryptionKey,
                                                  target: tampered.targetEnclaveID, chainID: c.genesis.config.chainID)
        guard case .error(.refused, _) = c.enclaves[1].handle(.installKey(payload: SystemPayload.grant(tampered).encoded, facts: try c.facts(at: 8))) else {
            Issue.record("installed a tampered grant"); return
        }
        #expect(c.enclaves[1].custody?.generations == [])
        #expect(c.enclaves[1].handle(.installKey(payload: grant.encoded, facts: try c.facts(at: 8))) == .installed(generation: 1))
        #expect(try c.registry.enclaves().map(\.standing) == [.trusted, .trusted])
        // Both now derive the same epoch key.
        guard case .txKeyStatement(let keyA, _) = c.enclaves[0].handle(.txKey(epoch: 3, generation: 1)),
              case .txKeyStatement(let keyB, _) = c.enclaves[1].handle(.txKey(epoch: 3, generation: 1)) else { Issue.record("no statements"); return }
        #expect(keyA == keyB)
    }
}
