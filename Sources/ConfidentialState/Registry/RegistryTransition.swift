public import Primitives
public import ChainTypes
public import Attestation

/// What a block's context gives the registry rules (CONFIDENTIAL.md section 7): the
/// including block's number and time, the signers at its parent, the policy in force at the
/// parent, and what the verifier needs (time, ancestors, genesis binding). The block's own
/// hash is not part of it: it depends on the state root these rules write.
public struct RegistryContext: Sendable {
    public var chainID: UInt64
    public var genesisHash: Hash32
    public var genesisPolicyHash: Hash32
    public var blockNumber: UInt64
    public var blockTime: UInt64
    /// Parent first.
    public var ancestorHashes: [Hash32]
    public var signers: Set<Address>
    public var policy: AttestationPolicy

    public init(chainID: UInt64, genesisHash: Hash32, genesisPolicyHash: Hash32, blockNumber: UInt64,
                blockTime: UInt64, ancestorHashes: [Hash32], signers: Set<Address>, policy: AttestationPolicy) {
        self.chainID = chainID; self.genesisHash = genesisHash; self.genesisPolicyHash = genesisPolicyHash
        self.blockNumber = blockNumber; self.blockTime = blockTime
        self.ancestorHashes = ancestorHashes; self.signers = signers; self.policy = policy
    }

    var verification: VerificationContext {
        VerificationContext(chainID: chainID, genesisHash: genesisHash, policy: policy, genesisPolicyHash: genesisPolicyHash,
                            blockTime: blockTime, ancestorHashes: ancestorHashes)
    }
}

/// Why a system transaction makes its block invalid (a failing `0x41` quote does not: it is
/// included with status 0).
public struct RegistryRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "invalid system transaction: \(reason)" }
}

/// The outcome of one system transaction: its receipt status.
public enum RegistryOutcome: Sendable, Equatable {
    case applied
    /// A `0x41` whose quote failed: status 0, nothing registered, the check kept.
    case joinFailed(AttestationError)
}

extension Registry {
    /// Applies a `0x41` join, `0x42` grant or `0x43` key generation from `sender` (section 7's
    /// validity table and effects); `hash` is the transaction's, under which a failing join's
    /// check is kept. `0x44` votes go through ``applyVote(_:sender:context:genesis:)``.
    public mutating func apply(_ tx: SystemTransaction, hash: Hash32, sender: Address, context: RegistryContext) throws -> RegistryOutcome {
        guard context.signers.contains(sender) else { throw RegistryRuleError("sender \(sender) is not a Clique signer at the parent") }
        guard tx.chainID == context.chainID else { throw RegistryRuleError("signed for chain \(tx.chainID)") }
        switch tx.payload {
        case .join(let join): return try applyJoin(join, sender: sender, txHash: hash, context: context)
        case .grant(let grant): try applyGrant(grant, context: context); return .applied
        case .generation(let generation): try applyGeneration(generation, context: context); return .applied
        case .vote: throw RegistryRuleError("policy votes are tallied by PolicyTally")
        }
    }

    mutating func applyJoin(_ join: EnclaveJoin, sender: Address, txHash: Hash32, context: RegistryContext) throws -> RegistryOutcome {
        let all = try enclaves()
        let epochLength = context.policy.rules.epochLength
        if let last = all.filter({ $0.authority == sender }).map(\.joinedAt).max(), context.blockNumber < last &+ epochLength {
            throw RegistryRuleError("authority \(sender) joined at block \(last); at most one join per \(epochLength) blocks")
        }
        let claimed = ClaimedEnclave(authority: sender, signingKey: join.signingKey, encryptionKey: join.encryptionKey)
        guard try enclave(claimed.enclaveID) == nil else { throw RegistryRuleError("enclave \(claimed.enclaveID) is already registered") }
        let verified: VerifiedEnclave
        do { verified = try QuoteVerifier.verify(quote: join.quote, claimed: claimed, context: context.verification) } catch {
            try recordJoinFailure(txHash, check: error.check.rawValue, reason: error.reason)
            return .joinFailed(error)
        }
        try put(EnclaveRecord(enclaveID: verified.enclaveID, authority: sender, standing: .pending, mrEnclave: verified.mrEnclave,
                              isvSvn: verified.isvSvn, signingKey: join.signingKey, encryptionKey: join.encryptionKey,
                              platformRevocationID: verified.platformRevocationID, quote: join.quote,
                              joinedAt: context.blockNumber, generation: 0, cpuSvn: verified.cpuSvn, pceSvn: verified.pceSvn,
                              qeSvn: verified.qeSvn))
        return .applied
    }

    mutating func applyGrant(_ grant: KeyGrant, context: RegistryContext) throws {
        let current = try currentGeneration()
        guard grant.generation >= 1, grant.generation <= current else {
            throw RegistryRuleError("grant of generation \(grant.generation); the current one is \(current)")
        }
        guard let grantor = try enclave(grant.grantorEnclaveID), grantor.standing == .trusted, grantor.generation >= grant.generation else {
            throw RegistryRuleError("the grantor is not a trusted enclave holding generation \(grant.generation)")
        }
        guard var target = try enclave(grant.targetEnclaveID), target.standing != .revoked, target.generation < grant.generation else {
            throw RegistryRuleError("the target is not a pending or trusted enclave lacking generation \(grant.generation)")
        }
        guard let record = try generations().first(where: { $0.generation == grant.generation }), record.keyCheck == grant.keyCheck else {
            throw RegistryRuleError("keyCheck is not generation \(grant.generation)'s")
        }
        let digest = ConfidentialDigest.grant(chainID: context.chainID, generation: grant.generation, targetEnclaveID: grant.targetEnclaveID,
                                              wrapped: grant.wrapped, keyCheck: grant.keyCheck)
        guard Self.signed(digest, by: grantor.signingKey, signature: grant.grantorSignature) else {
            throw RegistryRuleError("the grantor signature does not verify")
        }
        target.generation = grant.generation
        try put(target)
        if grant.generation == current { try promote(target.enclaveID, current: current) }
    }

    mutating func applyGeneration(_ generation: KeyGeneration, context: RegistryContext) throws {
        let current = try currentGeneration()
        guard generation.generation == current + 1 else {
            throw RegistryRuleError("generation \(generation.generation); the next one is \(current + 1)")
        }
        let all = try enclaves()
        guard let signer = all.first(where: { $0.enclaveID == generation.enclaveID }) else {
            throw RegistryRuleError("the generating enclave is not registered")
        }
        if current == 0 {
            guard all.first?.enclaveID == signer.enclaveID, signer.standing != .revoked else {
                throw RegistryRuleError("generation 1 comes from the first registered enclave")
            }
        } else {
            guard signer.standing == .trusted else { throw RegistryRuleError("the generating enclave is not trusted") }
        }
        let expected = all.filter { $0.standing != .revoked }.map(\.enclaveID).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        guard generation.wraps.map(\.enclaveID) == expected else {
            throw RegistryRuleError("wraps must name exactly the pending and trusted enclaves, sorted by id")
        }
        let digest = ConfidentialDigest.keyGeneration(chainID: context.chainID, generation: generation.generation, keyCheck: generation.keyCheck,
                                                      chainedPrevious: generation.chainedPrevious,
                                                      wraps: generation.wraps.map { ($0.enclaveID, $0.wrapped) })
        guard Self.signed(digest, by: signer.signingKey, signature: generation.enclaveSignature) else {
            throw RegistryRuleError("the generating enclave's signature does not verify")
        }
        try append(GenerationRecord(generation: generation.generation, startBlock: context.blockNumber, keyCheck: generation.keyCheck,
                                    enclaveID: generation.enclaveID, chainedPrevious: generation.chainedPrevious))
        for id in expected {
            guard var record = try enclave(id) else { continue }
            record.generation = generation.generation
            try put(record)
            try promote(id, current: generation.generation)
        }
    }

    /// Makes an enclave holding the current generation `trusted`, and revokes an older enclave
    /// of the same authority (a replacement takes over only once it holds the secret).
    mutating func promote(_ id: Hash32, current: UInt32) throws {
        guard var record = try enclave(id), record.standing != .revoked, record.generation == current else { return }
        record.standing = .trusted
        try put(record)
        for var other in try enclaves() where other.authority == record.authority && other.enclaveID != id
            && other.standing != .revoked && other.joinedAt < record.joinedAt {
            other.standing = .revoked
            try put(other)
        }
    }

    /// Revokes the enclaves the policy in force no longer admits (a removed measurement, a
    /// minimum raised above their value, a revoked platform) or whose authority left.
    public mutating func revokeNoLongerAdmitted(policy: AttestationPolicy, signers: Set<Address>) throws -> [Hash32] {
        var revoked: [Hash32] = []
        for var record in try enclaves() where record.standing != .revoked {
            if !record.isAdmitted(by: policy, signers: signers) {
                record.standing = .revoked
                try put(record)
                revoked.append(record.enclaveID)
            }
        }
        return revoked
    }

    static func signed(_ digest: Hash32, by signingKey: [UInt8], signature: [UInt8]) -> Bool {
        guard let sig = try? Secp256k1.RecoverableSignature(compact: signature), (try? sig.validate(homestead: true)) != nil,
              let key = try? Secp256k1.recover(hash: digest, signature: sig) else { return false }
        return key.compressed == signingKey
    }
}
