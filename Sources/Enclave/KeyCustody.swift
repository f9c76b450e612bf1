public import Primitives
public import ChainTypes
import Attestation
import ConfidentialState
public import EnclaveProtocol
import Crypto
import Synchronization

/// Why the enclave refused a key request.
public struct KeyCustodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The consortium secrets an enclave holds, and the only ways they come in and go out
/// (CONFIDENTIAL.md sections 4 and 7).
///
/// Guarantees, each on facts the enclave checks itself (registry proofs at a buried block
/// of its ``VerifiedChain``, quotes re-verified with the ten checks, signatures):
/// - a secret is installed only from a `0x42`/`0x43` payload whose signer is a registered
///   enclave with a verifying quote, whose signature covers the payload, whose wrap opens
///   with this enclave's key, and whose `keyCheck` equals both the secret's and the
///   registry's record of that generation — never on the host's word;
/// - a secret is wrapped only to an enclave the registry lists as live, whose stored quote
///   verifies;
/// - a new generation is made only as the next one, by the first registered enclave
///   (generation 1) or a trusted one holding the current secret, wrapped to exactly the
///   live enclaves.
/// Secrets never leave except wrapped; ``persist`` receives them only to seal them.
public final class KeyCustody: Sendable {
    public static let suite: UInt8 = 1

    let configuration: EnclaveConfiguration
    let rules: EnclaveChainRules
    let keys: IdentityKeys
    public let chain: VerifiedChain
    private let secrets: Mutex<[UInt32: ConsortiumSecret]>
    private let persist: @Sendable ([ConsortiumSecret]) -> Void

    public init(configuration: EnclaveConfiguration, rules: EnclaveChainRules, keys: IdentityKeys, secrets: [ConsortiumSecret],
                persist: @escaping @Sendable ([ConsortiumSecret]) -> Void) throws(LightClientError) {
        self.configuration = configuration; self.rules = rules; self.keys = keys; self.persist = persist
        chain = try VerifiedChain(genesis: rules.genesis, epoch: rules.cliqueEpoch)
        self.secrets = Mutex(Dictionary(secrets.map { ($0.generation, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The generations held, oldest first.
    public var generations: [UInt32] { secrets.withLock { $0.keys.sorted() } }

    /// The secrets held, for confidential execution inside this process only.
    var heldSecrets: [ConsortiumSecret] { secrets.withLock { Array($0.values) } }

    private var chainID: UInt64 { configuration.chainID }

    // MARK: Facts

    /// The registry proven by `facts`, with this enclave's own record.
    private func proven(_ facts: RegistryProof) throws(KeyCustodyError) -> (Registry<ProvenRegistrySlots>, me: EnclaveRecord) {
        let slots: ProvenRegistrySlots
        do { slots = try ProvenRegistrySlots(facts, chain: chain) } catch { throw KeyCustodyError(error.reason) }
        let registry = Registry(slots: slots)
        guard let me = try read({ try registry.enclave(keys.enclaveID) }) else {
            throw KeyCustodyError("this enclave (\(keys.enclaveID)) is not in the registry at block \(facts.block)")
        }
        guard me.standing != .revoked else { throw KeyCustodyError("this enclave is revoked at block \(facts.block)") }
        return (registry, me)
    }

    private func read<T>(_ body: () throws -> T) throws(KeyCustodyError) -> T {
        do { return try body() } catch { throw KeyCustodyError("registry facts: \(error)") }
    }

    /// Re-verifies a registered enclave's stored quote with the ten checks, at the time and
    /// ancestry of the block that registered it, against the policy in force the facts prove
    /// and the genesis policy hash this enclave binds.
    private func verifyStoredQuote(_ record: EnclaveRecord, registry: Registry<ProvenRegistrySlots>) throws(KeyCustodyError) {
        let policy = try read { try registry.policy(genesis: rules.policy) }
        guard let joined = chain.link(at: record.joinedAt) else {
            throw KeyCustodyError("block \(record.joinedAt), where enclave \(record.enclaveID) joined, is not on the verified chain")
        }
        let context = VerificationContext(chainID: chainID, genesisHash: configuration.genesisHash, policy: policy,
                                          genesisPolicyHash: configuration.policyHash, blockTime: joined.timestamp,
                                          ancestorHashes: chain.ancestors(of: record.joinedAt, count: rules.policy.freshnessBlocks))
        let claimed = ClaimedEnclave(authority: record.authority, signingKey: record.signingKey, encryptionKey: record.encryptionKey)
        do { _ = try QuoteVerifier.verify(quote: record.quote, claimed: claimed, context: context) } catch {
            throw KeyCustodyError("enclave \(record.enclaveID)'s stored quote fails \(error.check): \(error.reason)")
        }
    }

    private func held(_ generation: UInt32) throws(KeyCustodyError) -> ConsortiumSecret {
        guard let secret = secrets.withLock({ $0[generation] }) else { throw KeyCustodyError("this enclave does not hold generation \(generation)") }
        return secret
    }

    private func store(_ new: [ConsortiumSecret]) {
        let all = secrets.withLock { s -> [ConsortiumSecret] in
            for secret in new where s[secret.generation] == nil { s[secret.generation] = secret }
            return s.keys.sorted().compactMap { s[$0] }
        }
        persist(all)
    }

    // MARK: Requests

    /// A new generation `generation` and its `0x43` payload (the secret itself is installed
    /// later from this enclave's own wrap, like every other enclave's).
    public func generate(generation: UInt32, facts: RegistryProof) throws(KeyCustodyError) -> KeyGeneration {
        let (registry, me) = try proven(facts)
        let current = try read { try registry.currentGeneration() }
        guard generation == current &+ 1 else { throw KeyCustodyError("generation \(generation) is not the next one (current \(current))") }
        let all = try read { try registry.enclaves() }
        var previous: ConsortiumSecret?
        if current == 0 {
            guard all.first?.enclaveID == me.enclaveID else { throw KeyCustodyError("generation 1 comes from the first registered enclave") }
        } else {
            guard me.standing == .trusted else { throw KeyCustodyError("this enclave is not trusted") }
            let secret = try held(current)
            guard try read({ try registry.generations() }).last?.keyCheck == secret.keyCheck else {
                throw KeyCustodyError("the secret held for generation \(current) does not match the registry's keyCheck")
            }
            previous = secret
        }
        let policy = try read { try registry.policy(genesis: rules.policy) }
        let signers = Set(chain.signers)
        let live = all.filter { $0.standing != .revoked && $0.isAdmitted(by: policy, signers: signers) }.sorted { $0.enclaveID.bytes.lexicographicallyPrecedes($1.enclaveID.bytes) }
        let secret = ConsortiumSecret(generation: generation)
        var wraps: [EnclaveWrap] = []
        for target in live {
            try verifyStoredQuote(target, registry: registry)
            do {
                wraps.append(EnclaveWrap(enclaveID: target.enclaveID,
                                         wrapped: try GrantWrapping.wrap(secret, to: target.encryptionKey, target: target.enclaveID, chainID: chainID)))
            } catch { throw KeyCustodyError("\(error)") }
        }
        let chained: [UInt8]
        if let previous {
            do { chained = try secret.chain(previous: previous, chainID: chainID) } catch { throw KeyCustodyError("\(error)") }
        } else {
            chained = []
        }
        let keyCheck = secret.keyCheck
        let digest = ConfidentialDigest.keyGeneration(chainID: chainID, generation: generation, keyCheck: keyCheck, chainedPrevious: chained,
                                                      wraps: wraps.map { ($0.enclaveID, $0.wrapped) })
        return KeyGeneration(generation: generation, keyCheck: keyCheck, chainedPrevious: chained, wraps: wraps, enclaveID: keys.enclaveID,
                             enclaveSignature: keys.sign(digest))
    }

    /// A `0x42` payload granting `generation` to enclave `target`.
    public func grant(to target: Hash32, generation: UInt32, facts: RegistryProof) throws(KeyCustodyError) -> KeyGrant {
        let (registry, me) = try proven(facts)
        guard me.standing == .trusted, me.generation >= generation else { throw KeyCustodyError("this enclave is not a trusted holder of generation \(generation)") }
        let secret = try held(generation)
        guard let record = try read({ try registry.generations() }).first(where: { $0.generation == generation }), record.keyCheck == secret.keyCheck else {
            throw KeyCustodyError("the registry holds no generation \(generation) with this secret's keyCheck")
        }
        guard let targetRecord = try read({ try registry.enclave(target) }), targetRecord.standing != .revoked,
              targetRecord.generation < generation else {
            throw KeyCustodyError("enclave \(target) is not a live enclave lacking generation \(generation)")
        }
        try verifyStoredQuote(targetRecord, registry: registry)
        let wrapped: [UInt8]
        do { wrapped = try GrantWrapping.wrap(secret, to: targetRecord.encryptionKey, target: target, chainID: chainID) } catch {
            throw KeyCustodyError("\(error)")
        }
        let digest = ConfidentialDigest.grant(chainID: chainID, generation: generation, targetEnclaveID: target, wrapped: wrapped,
                                              keyCheck: secret.keyCheck)
        return KeyGrant(targetEnclaveID: target, generation: generation, wrapped: wrapped, keyCheck: secret.keyCheck,
                        grantorEnclaveID: keys.enclaveID, grantorSignature: keys.sign(digest))
    }

    /// Installs the secret `payload` (a `0x42` or `0x43`) carries for this enclave; returns its generation.
    public func install(_ payload: SystemPayload, facts: RegistryProof) throws(KeyCustodyError) -> UInt32 {
        let (registry, me) = try proven(facts)
        let generations = try read { try registry.generations() }
        let signerID: Hash32, generation: UInt32, keyCheck: [UInt8], wrapped: [UInt8], digest: Hash32, signature: [UInt8]
        var chainedPrevious: [UInt8] = []
        switch payload {
        case .generation(let g):
            guard let mine = g.wraps.first(where: { $0.enclaveID == me.enclaveID }) else { throw KeyCustodyError("the generation has no wrap for this enclave") }
            signerID = g.enclaveID; generation = g.generation; keyCheck = g.keyCheck; wrapped = mine.wrapped; signature = g.enclaveSignature
            chainedPrevious = g.chainedPrevious
            digest = ConfidentialDigest.keyGeneration(chainID: chainID, generation: g.generation, keyCheck: g.keyCheck,
                                                      chainedPrevious: g.chainedPrevious, wraps: g.wraps.map { ($0.enclaveID, $0.wrapped) })
            guard generations.first(where: { $0.generation == g.generation })?.enclaveID == g.enclaveID else {
                throw KeyCustodyError("the registry does not record generation \(g.generation) as made by enclave \(g.enclaveID)")
            }
        case .grant(let g):
            guard g.targetEnclaveID == me.enclaveID else { throw KeyCustodyError("the grant is for another enclave") }
            signerID = g.grantorEnclaveID; generation = g.generation; keyCheck = g.keyCheck; wrapped = g.wrapped; signature = g.grantorSignature
            digest = ConfidentialDigest.grant(chainID: chainID, generation: g.generation, targetEnclaveID: g.targetEnclaveID, wrapped: g.wrapped,
                                              keyCheck: g.keyCheck)
        case .join, .vote:
            throw KeyCustodyError("only a key grant or a key generation carries a secret")
        }
        guard let record = generations.first(where: { $0.generation == generation }), record.keyCheck == keyCheck else {
            throw KeyCustodyError("the registry's keyCheck for generation \(generation) is not the payload's")
        }
        guard let signer = try read({ try registry.enclave(signerID) }) else { throw KeyCustodyError("enclave \(signerID) is not registered") }
        try verifyStoredQuote(signer, registry: registry)
        guard let sig = try? Secp256k1.RecoverableSignature(compact: signature), (try? sig.validate(homestead: true)) != nil,
              let key = try? Secp256k1.recover(hash: digest, signature: sig), key.compressed == signer.signingKey else {
            throw KeyCustodyError("the signature is not enclave \(signerID)'s over this payload")
        }
        let secret: ConsortiumSecret
        do { secret = try GrantWrapping.unwrap(wrapped, with: keys.encryption, target: me.enclaveID, chainID: chainID, generation: generation) } catch {
            throw KeyCustodyError("\(error)")
        }
        guard secret.keyCheck == keyCheck else { throw KeyCustodyError("the unwrapped secret does not match keyCheck_\(generation)") }
        var installed = [secret]
        // The previous generation travels chained inside this one: an enclave that joined late
        // can still read what generation g - 1 wrote.
        if generation > 1, !chainedPrevious.isEmpty, let previousRecord = generations.first(where: { $0.generation == generation - 1 }),
           let previous = try? secret.openPrevious(chainedPrevious, chainID: chainID), previous.keyCheck == previousRecord.keyCheck {
            installed.append(previous)
        }
        store(installed)
        return generation
    }

    /// Section 5.1's statement for `epoch` under a held `generation`: the epoch key's public
    /// key and this enclave's signature.
    public func transactionKey(epoch: UInt64, generation: UInt32) throws(KeyCustodyError) -> (publicKey: [UInt8], signature: [UInt8]) {
        let secret = try held(generation)
        let publicKey = Array(secret.transactionKey(chainID: chainID, epoch: epoch).publicKey.rawRepresentation)
        let digest = ConfidentialDigest.txKey(chainID: chainID, epoch: epoch, generation: generation, suite: Self.suite, publicKey: publicKey)
        return (publicKey, keys.sign(digest))
    }
}
