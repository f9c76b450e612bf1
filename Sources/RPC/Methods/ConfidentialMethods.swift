public import Primitives
public import ChainTypes
import Chain
import State
import Attestation
import ConfidentialState

/// The parts of the `conf_` namespace that need the node, not just public state: its
/// authority key (policy votes) and its enclave (transaction keys). Unset hooks leave their
/// methods out (an observer has neither).
public struct ConfidentialHooks: Sendable {
    /// `conf_proposePolicy`: signs a `0x44` vote with this authority's account key, adds it to
    /// the pool and returns its hash; throws a message to show the caller.
    public var proposePolicy: (@Sendable (PolicyVote) throws -> Hash32)?
    /// `conf_getTxKey`: this node's enclave's statement for the block after `header`; throws a
    /// message (no key held yet, enclave unreachable).
    public var txKey: (@Sendable (SealedHeader) throws -> TxKeyStatement)?
    /// `conf_call`: this node's enclave runs a view envelope (its bytes) against the state
    /// after the header and returns the sealed result; throws a message (not trusted, refused).
    public var view: (@Sendable ([UInt8], SealedHeader) throws -> [UInt8])?
    /// `conf_getFaults`: the faults this authority's re-execution found from a block number on.
    public var faults: (@Sendable (UInt64) -> [SectionFault])?

    public init(proposePolicy: (@Sendable (PolicyVote) throws -> Hash32)? = nil,
                txKey: (@Sendable (SealedHeader) throws -> TxKeyStatement)? = nil,
                view: (@Sendable ([UInt8], SealedHeader) throws -> [UInt8])? = nil) {
        self.proposePolicy = proposePolicy; self.txKey = txKey; self.view = view
    }
}

/// A block whose section this authority's enclave re-executed differently (CONFIDENTIAL.md
/// section 8, step 3), as `conf_getFaults` lists it.
public struct SectionFault: Sendable, Equatable {
    public var blockHash: Hash32
    public var number: UInt64
    /// The section this node's enclave computed (statements aside).
    public var expectedSectionHash: Hash32
    /// The block's section, statements aside.
    public var gotSectionHash: Hash32

    public init(blockHash: Hash32, number: UInt64, expectedSectionHash: Hash32, gotSectionHash: Hash32) {
        self.blockHash = blockHash; self.number = number; self.expectedSectionHash = expectedSectionHash; self.gotSectionHash = gotSectionHash
    }
}

/// Section 5.1's transaction-key statement, as `conf_getTxKey` returns it.
public struct TxKeyStatement: Sendable, Equatable {
    public var chainID: UInt64
    public var epoch: UInt64
    public var generation: UInt32
    public var suite: UInt8
    /// X25519 (32 bytes).
    public var publicKey: [UInt8]
    public var enclaveID: Hash32
    /// 65 bytes `r ‖ s ‖ v` by the enclave's signing key.
    public var signature: [UInt8]
    public var fromBlock: UInt64
    public var toBlock: UInt64

    public init(chainID: UInt64, epoch: UInt64, generation: UInt32, suite: UInt8, publicKey: [UInt8], enclaveID: Hash32,
                signature: [UInt8], fromBlock: UInt64, toBlock: UInt64) {
        self.chainID = chainID; self.epoch = epoch; self.generation = generation; self.suite = suite; self.publicKey = publicKey
        self.enclaveID = enclaveID; self.signature = signature; self.fromBlock = fromBlock; self.toBlock = toBlock
    }
}

extension RPCBackend {
    /// `conf_getAttestationPolicy`, `conf_getEnclaves`, `conf_getGenerations`,
    /// `conf_getJoinFailure` (CONFIDENTIAL.md section 5.5), read from the registry in the
    /// public state of the block asked for; `conf_proposePolicy` through the node's hook.
    /// Only on a chain with a confidential module; every reply carries `simulated`.
    func registerConfidential(_ m: inout [String: MethodHandler]) {
        guard let genesisPolicy = chain.config.confidential else { return }
        let simulated = ("simulated", JSON.bool(genesisPolicy.insecureSimulation))

        m["conf_getAttestationPolicy"] = { [self] p, _ in
            try p.atMost(1)
            let registry = try registry(at: try header(try p.block(0)))
            let policy = try registryRead { try registry.policy(genesis: genesisPolicy) }
            let generation = try registryRead { try registry.currentGeneration() }
            return .object(Self.policyFields(policy) + [
                ("policyHash", Format.hash(genesisPolicy.policyHash)),
                ("currentGeneration", Quantity.json(UInt64(generation))),
                simulated,
            ])
        }
        m["conf_getEnclaves"] = { [self] p, _ in
            try p.atMost(1)
            let registry = try registry(at: try header(try p.block(0)))
            let current = try registryRead { try registry.currentGeneration() }
            let enclaves = try registryRead { try registry.enclaves() }
            return .object([("enclaves", .array(enclaves.map { enclaveJSON($0, currentGeneration: current) })), simulated])
        }
        m["conf_getGenerations"] = { [self] p, _ in
            try p.atMost(1)
            let registry = try registry(at: try header(try p.block(0)))
            let generations = try registryRead { try registry.generations() }
            return .object([("generations", .array(generations.map { g in
                .object([("generation", Quantity.json(UInt64(g.generation))), ("startBlock", Quantity.json(g.startBlock)),
                         ("keyCheck", Format.data(g.keyCheck)), ("enclaveId", Format.hash(g.enclaveID))])
            })), simulated])
        }
        registerSections(&m, simulated: simulated)
        m["conf_getJoinFailure"] = { [self] p, _ in
            try p.atMost(1)
            let txHash = try p.hash(0)
            guard let location = chain.transactionLocation(txHash), let block = chain.header(hash: location.block) else { return .null }
            let registry = try registry(at: block)
            guard let failure = try registryRead({ try registry.joinFailure(txHash) }) else { return .null }
            let check = AttestationCheck(rawValue: failure.check)
            return .object([("check", .string(check?.name ?? "check \(failure.check)")), ("checkNumber", .int(failure.check)),
                            ("reason", .string(failure.reason)), simulated])
        }
        if let txKey = status.confidential.txKey {
            m["conf_getTxKey"] = { [self] p, _ in
                try p.atMost(1)
                let h = try header(try p.block(0))
                let statement: TxKeyStatement
                do { statement = try txKey(h) } catch { throw RPCError.server("\(error)") }
                return .object([
                    ("chainId", Quantity.json(statement.chainID)),
                    ("epoch", Quantity.json(statement.epoch)),
                    ("generation", Quantity.json(UInt64(statement.generation))),
                    ("suite", Quantity.json(UInt64(statement.suite))),
                    ("publicKey", Format.data(statement.publicKey)),
                    ("enclaveId", Format.hash(statement.enclaveID)),
                    ("signature", Format.data(statement.signature)),
                    ("fromBlock", Quantity.json(statement.fromBlock)),
                    ("toBlock", Quantity.json(statement.toBlock)),
                    simulated,
                ])
            }
        }
        if let faults = status.confidential.faults {
            m["conf_getFaults"] = { p, _ in
                try p.atMost(1)
                let from = p.at(0) == nil ? 0 : try p.quantity64(0)
                return .object([("faults", .array(faults(from).map { f in
                    .object([("blockHash", Format.hash(f.blockHash)), ("number", Quantity.json(f.number)),
                             ("expectedSectionHash", Format.hash(f.expectedSectionHash)), ("gotSectionHash", Format.hash(f.gotSectionHash))])
                })), simulated])
            }
        }
        if let view = status.confidential.view {
            m["conf_call"] = { [self] p, _ in
                try p.atMost(2)
                let raw = try p.data(0)
                let h = try header(try p.block(1))
                let envelope: SignedTransaction
                do { envelope = try SignedTransaction(networkEncoding: raw) } catch { throw RPCError.invalidParams("0: \(error)") }
                guard case .confidential(let tx) = envelope.transaction else {
                    throw RPCError.invalidParams("0: a view envelope has the 0x40 layout")
                }
                let sender: Address
                do { sender = try Secp256k1.recoverAddress(hash: tx.viewSigningHash, signature: envelope.signature) } catch {
                    throw RPCError.invalidParams("0: the view signature: \(error)")
                }
                let nonce: UInt64
                do { nonce = try chain.account(sender, atHash: h.hash)?.nonce ?? 0 } catch { throw RPCError.server("\(error)") }
                guard tx.nonce == nonce else {
                    throw RPCError.server("the view envelope's nonce \(tx.nonce) is not the sender's nonce \(nonce) at block \(h.header.number)")
                }
                guard tx.gasLimit <= limits.effectiveGasCap else { throw RPCError.server("gas \(tx.gasLimit) exceeds the RPC gas cap \(limits.effectiveGasCap)") }
                let encrypted: [UInt8]
                do { encrypted = try view(raw, h) } catch { throw RPCError.server("\(error)") }
                return .object([("blockHash", Format.hash(h.hash)), ("encryptedResult", Format.data(encrypted)), simulated])
            }
        }
        if let propose = status.confidential.proposePolicy {
            m["conf_proposePolicy"] = { p, _ in
                try p.atMost(3)
                let vote = try Self.vote(p)
                do { return Format.hash(try propose(vote)) } catch { throw RPCError.server("\(error)") }
            }
        }
    }

    /// The registry in the state after `header`.
    private func registry(at header: SealedHeader) throws(RPCError) -> Registry<RegistryReaderSlots> {
        let reader: any StateReader
        do {
            guard let r = try chain.stateReader(atHash: header.hash) else { throw RPCError.server("state not available") }
            reader = r
        } catch let e as RPCError {
            throw e
        } catch {
            throw RPCError.server("\(error)")
        }
        return Registry(slots: RegistryReaderSlots(reader: reader))
    }

    private func registryRead<T>(_ body: () throws -> T) throws(RPCError) -> T {
        do { return try body() } catch { throw RPCError.server("\(error)") }
    }

    private func enclaveJSON(_ e: EnclaveRecord, currentGeneration: UInt32) -> JSON {
        .object([
            ("enclaveId", Format.hash(e.enclaveID)),
            ("authority", Format.address(e.authority)),
            ("status", .string(e.standing.name)),
            ("mrEnclave", Format.hash(e.mrEnclave)),
            ("isvSvn", Quantity.json(UInt64(e.isvSvn))),
            ("signingKey", Format.data(e.signingKey)),
            ("encryptionKey", Format.data(e.encryptionKey)),
            ("quote", Format.data(e.quote)),
            ("joinedAt", Quantity.json(e.joinedAt)),
            ("joinedAtHash", chain.canonicalHeader(e.joinedAt).map { Format.hash($0.hash) } ?? .null),
            ("generation", Quantity.json(UInt64(e.generation))),
        ])
    }

    /// The policy as the genesis `config.confidential` object writes it (so a client can
    /// compare it with its pinned copy), plus the revoked platforms.
    static func policyFields(_ policy: AttestationPolicy) -> [(String, JSON)] {
        let r = policy.rules
        return [
            ("platforms", .array(r.platforms.map(JSON.string))),
            ("insecureSimulation", .bool(r.insecureSimulation)),
            ("trustAnchors", .object(r.trustAnchors.sorted { $0.key < $1.key }.map { ($0.key, Format.hash($0.value)) })),
            ("measurements", .array(r.measurements.map(Format.hash))),
            ("minIsvSvn", .int(Int(r.minIsvSvn))),
            ("minCpuSvn", Format.data(r.minCpuSvn)),
            ("minPceSvn", .int(Int(r.minPceSvn))),
            ("minQeSvn", .int(Int(r.minQeSvn))),
            ("allowDebug", .bool(r.allowDebug)),
            ("freshnessBlocks", .number(String(r.freshnessBlocks))),
            ("epochLength", .number(String(r.epochLength))),
            ("enclaveQuorum", .number(String(r.enclaveQuorum))),
            ("revokedPlatforms", .array(policy.revokedPlatforms.sorted { $0.lexicographicallyPrecedes($1) }.map(Format.data))),
        ]
    }

    /// `conf_proposePolicy(kind, value, add)`: `kind` by name (`measurement`, `minIsvSvn`,
    /// `platformRevocation`, `allowDebug`, `minCpuSvn`, `minPceSvn`, `minQeSvn`) or number;
    /// `value` as data for the byte kinds and a quantity for the scalar ones.
    static func vote(_ p: Params) throws(RPCError) -> PolicyVote {
        let kind: PolicyVoteKind
        let names: [String: PolicyVoteKind] = ["measurement": .measurement, "minIsvSvn": .minIsvSvn,
                                               "platformRevocation": .platformRevocation, "allowDebug": .allowDebug,
                                               "minCpuSvn": .minCpuSvn, "minPceSvn": .minPceSvn, "minQeSvn": .minQeSvn]
        let raw = try p.require(0)
        if case .string(let text) = raw, let named = names[text] {
            kind = named
        } else {
            let number: UInt64
            if case .number(let text) = raw { number = UInt64(text) ?? .max } else { number = try p.quantity64(0) }
            guard number <= 255, let k = PolicyVoteKind(rawValue: UInt8(number)) else {
                throw RPCError.invalidParams("unknown policy kind (known: \(names.keys.sorted().joined(separator: ", ")) or 1–7)")
            }
            kind = k
        }
        let add = try p.bool(2, default: true)
        let vote: PolicyVote
        switch kind {
        case .measurement, .platformRevocation, .minCpuSvn:
            vote = PolicyVote(kind: kind, value: try p.data(1), add: add)
        case .minIsvSvn, .minPceSvn, .minQeSvn, .allowDebug:
            let scalar = try p.quantity64(1)
            guard let small = UInt16(exactly: scalar) else { throw RPCError.invalidParams("the value does not fit 16 bits") }
            vote = PolicyVote.set(kind, to: small)
            guard add else { throw RPCError.invalidParams("a minimum or allowDebug is set, not removed: add must be true") }
        }
        do { try vote.validateShape() } catch { throw RPCError.invalidParams("\(error)") }
        return vote
    }
}
