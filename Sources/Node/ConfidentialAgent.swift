import Foundation
import Logging
import Primitives
import ChainTypes
import State
import Chain
import Consensus
import EnclaveProtocol
import ConfidentialState
import Confidential
import RPC
import Synchronization

/// What an authority's node does for its enclave without an operator (CONFIDENTIAL.md
/// section 7): after every head change it links the new headers into the enclave's verified
/// chain, then, on registry facts proven at a buried block,
/// - **joins** (`0x41` with fresh evidence) when its enclave is not registered;
/// - **bootstraps** (`0x43`, generation 1) when its enclave is the first registered and no
///   generation exists;
/// - **installs** the secret of every `0x43` or `0x42` addressed to its enclave;
/// - **grants** (`0x42`) the current generation to live enclaves lacking it, when its own
///   enclave is a trusted holder;
/// - **rekeys** (`0x43`, g + 1) when a revoked enclave holds the current generation, if it is
///   the designated holder (the first trusted holder in Clique's turn order from the next
///   block's in-turn signer).
/// The enclave builds every statement; the host only carries bytes, signs the system
/// transaction with the authority key and adds it to the pool. Work runs on one serial
/// queue, so the import path never waits for the enclave.
final class ConfidentialAgent: Sendable {
    let chain: Blockchain
    private let pool: TransactionPool
    let clique: Clique
    private let key: Secp256k1.PrivateKey
    let enclave: EnclaveAttachment
    private let genesisPolicy: ConfidentialConfig
    let logger: Logger
    private let queue = DispatchQueue(label: "cloister.confidential-agent")
    static let installAttempts = 3
    /// Asks this node's producer for empty blocks (a period-0 chain buries facts only when
    /// blocks come); nil where blocks come on their own.
    let requestBlocks: Mutex<(@Sendable (Int) -> Void)?> = Mutex(nil)

    private struct Progress {
        /// The enclave's verified tip, as it last answered.
        var linked: EnclaveChainStatus?
        /// The system transaction of ours still in the pool, if any (one at a time).
        var inFlight: Hash32?
        /// The head when our last system transaction left the pool: nothing more is sent until
        /// the facts block reaches it (so a transaction is never sent twice on stale facts).
        var settledAt: UInt64 = 0
        /// The head number when our last join was sent (joins are limited per epoch).
        var joinedAtHead: UInt64?
        /// Blocks up to this number were searched for secrets addressed to our enclave.
        var scannedUpTo: UInt64 = 0
        /// Payloads addressed to our enclave that it refused, and how often: tried again on
        /// later facts, at most ``ConfidentialAgent/installAttempts`` times.
        var refused: [Hash32: (payload: SystemPayload, attempts: Int)] = [:]
    }
    private let progress = Mutex(Progress())
    /// What re-execution found (section 8, step 3): blocks checked, and faults by block hash.
    let reexecution = Mutex(ReexecutionState())

    init(chain: Blockchain, pool: TransactionPool, clique: Clique, key: Secp256k1.PrivateKey, enclave: EnclaveAttachment,
         policy: ConfidentialConfig, logger: Logger) {
        self.chain = chain; self.pool = pool; self.clique = clique; self.key = key; self.enclave = enclave
        self.genesisPolicy = policy; self.logger = logger
    }

    /// This node's enclave for operators (status page, `/ready`): trusted when the registry
    /// at the head holds it as trusted and it holds the current key generation (or none
    /// exists yet).
    func summary() -> EnclaveSummary {
        let held = progress.withLock { $0.linked?.generations ?? [] }
        let status = enclave.status
        var trusted = false
        var reason: String?
        do {
            let registry = Registry(slots: RegistryReaderSlots(reader: try chain.state.latest()))
            let current = try registry.currentGeneration()
            if let me = try registry.enclave(enclave.enclaveID) {
                if me.standing != .trusted {
                    reason = "the registry holds it as \(me.standing.name)"
                } else if current > 0 && !held.contains(current) {
                    reason = "it does not hold key generation \(current) yet"
                } else {
                    trusted = true
                }
            } else {
                reason = "not registered yet (its join is pending)"
            }
        } catch {
            reason = "the registry could not be read: \(error)"
        }
        return EnclaveSummary(trusted: trusted, reason: reason, enclaveID: enclave.enclaveID, measurement: status.mrEnclave,
                              simulated: status.simulated, generations: held.sorted())
    }

    /// Follows the chain from now on (and acts once on the current head).
    func start() {
        chain.onHeadChange { [weak self] _ in self?.schedule() }
        schedule()
    }

    private func schedule() { queue.async { [self] in step() } }

    /// Links the enclave up to the head now, on the agent's queue (before an execution).
    func linkNow() throws {
        try queue.sync { () throws -> Void in try link() }
    }

    /// Whether the enclave held `generation` when it last linked.
    func holds(_ generation: UInt32) -> Bool {
        progress.withLock { $0.linked?.generations.contains(generation) ?? false }
    }

    /// The enclave's client (for the execution lane).
    var enclaveClient: EnclaveClient { enclave.client }

    /// Runs one round synchronously (tests, and the queue).
    func step() {
        do {
            try link()
            try reexecuteRecent()
            try act()
        } catch {
            logger.warning("Confidential agent", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Linking

    /// Feeds the enclave the canonical headers after its verified tip (re-linking a window
    /// below it after a reorg).
    private func link() throws {
        let head = chain.head
        var from: UInt64 = 1
        if let linked = progress.withLock({ $0.linked }) {
            if linked.number <= head.header.number, chain.canonicalHeader(linked.number)?.hash == linked.hash {
                from = linked.number + 1
            } else {
                // A reorg: re-link a window below the enclave's tip (it skips what it holds).
                let top = min(linked.number, head.header.number)
                from = top > 64 ? top - 64 : 1
            }
        }
        guard from <= head.header.number else {
            if progress.withLock({ $0.linked }) == nil { try send(headers: []) }
            return
        }
        var n = from
        while n <= head.header.number {
            let end = min(head.header.number, n + 255)
            var batch: [Header] = []
            for number in n...end {
                guard let h = chain.canonicalHeader(number) else { throw NodeError("no canonical header \(number)") }
                batch.append(h.header)
            }
            try send(headers: batch)
            n = end + 1
        }
    }

    private func send(headers: [Header]) throws {
        guard case .linked(let status) = try enclave.client.request(.linkHeaders(headers)) else {
            throw NodeError("the enclave answered linkHeaders with another message")
        }
        progress.withLock { $0.linked = status }
    }

    // MARK: Acting

    private func act() throws {
        let head = chain.head
        if let inFlight = progress.withLock({ $0.inFlight }) {
            if pool.transaction(inFlight) != nil { return }
            progress.withLock { $0.inFlight = nil; $0.settledAt = head.header.number }
        }
        let latest = Registry(slots: RegistryReaderSlots(reader: try chain.state.latest()))
        let mine = try latest.enclave(enclave.enclaveID)
        if mine == nil {
            try joinIfDue(head: head)
            return
        }
        let facts = try factsBlock(head: head)
        try askForBurialIfNeeded(head: head, facts: facts)
        guard let facts, facts.header.number >= progress.withLock({ $0.settledAt }) else { return }
        let reader = try chain.stateReader(atBlock: facts.header.number)
        let registry = Registry(slots: RegistryReaderSlots(reader: reader))
        guard let me = try registry.enclave(enclave.enclaveID), me.standing != .revoked else { return }
        // Proven only when a request needs it.
        func proof() throws -> RegistryProof { try self.proof(at: facts, reader: reader) }
        let generations = try registry.generations()
        let current = generations.last?.generation ?? 0
        let held = Set(progress.withLock { $0.linked?.generations ?? [] })

        // Install what reached us.
        if let top = held.max(), top >= current, current > 0 {
            // Nothing to install.
        } else if current > 0 {
            try installAddressed(upTo: facts.header.number, from: me.joinedAt, proof: try proof())
            return
        }
        let all = try registry.enclaves()
        if current == 0 {
            if all.first?.enclaveID == me.enclaveID {
                try sendFromEnclave(.generateKey(generation: 1, facts: try proof()), what: "key generation 1 (bootstrap)")
            }
            return
        }
        guard me.standing == .trusted, held.contains(current) else { return }
        // Rotate when a revoked enclave holds the current secret.
        if all.contains(where: { $0.standing == .revoked && $0.generation >= current }) {
            if try designated(among: all.filter { $0.standing == .trusted && $0.generation >= current }, head: head) == me.enclaveID {
                try sendFromEnclave(.generateKey(generation: current + 1, facts: try proof()), what: "key generation \(current + 1) (rekey)")
            }
            return
        }
        // Grant to live enclaves lacking the current generation.
        if let target = all.first(where: { $0.standing != .revoked && $0.generation < current && $0.enclaveID != me.enclaveID }) {
            try sendFromEnclave(.grantKey(target: target.enclaveID, generation: current, facts: try proof()),
                                what: "grant of generation \(current) to \(target.enclaveID)")
        }
    }

    /// On a period-0 chain, asks for the empty blocks that bury the registry as it is at the
    /// head, when it changed since the facts block.
    private func askForBurialIfNeeded(head: SealedHeader, facts: SealedHeader?) throws {
        guard let request = requestBlocks.withLock({ $0 }) else { return }
        let atHead = try chain.state.latest().account(RegistryLayout.address)?.storageRoot
        let atFacts = try facts.flatMap { try chain.stateReader(atBlock: $0.header.number).account(RegistryLayout.address)?.storageRoot }
        guard atHead != nil, atHead != atFacts else { return }
        request(try clique.signers(after: head, reader: chain.headers).count / 2 + 1)
    }

    /// Sends a join for our enclave, at most once per epoch of the policy.
    private func joinIfDue(head: SealedHeader) throws {
        if let last = progress.withLock({ $0.joinedAtHead }), head.header.number < last + max(genesisPolicy.epochLength / 4, 8) { return }
        let evidence = try enclave.client.evidence(freshness: head.hash)
        let payload = EnclaveJoin(quote: evidence.quote, signingKey: evidence.signingKey, encryptionKey: evidence.encryptionKey)
        try submit(.join(payload), what: "enclave join")
        progress.withLock { $0.joinedAtHead = head.header.number }
    }

    /// The newest block with ⌊n/2⌋ + 1 later blocks sealed by distinct signers: what the
    /// enclave accepts facts at.
    private func factsBlock(head: SealedHeader) throws -> SealedHeader? {
        let signers = try clique.signers(after: head, reader: chain.headers)
        let needed = signers.count / 2 + 1
        var sealers: Set<Address> = []
        var cursor = head
        while cursor.header.number > 0 {
            sealers.insert(try clique.signer(of: cursor))
            guard let parent = chain.header(hash: cursor.header.parentHash) else { return nil }
            if sealers.count >= needed { return parent }
            cursor = parent
        }
        return nil
    }

    /// The registry proof at `block` of every slot a key request reads.
    private func proof(at block: SealedHeader, reader: any StateReader) throws -> RegistryProof {
        let slots = try RecordingRegistrySlots.factSlots(reader: reader, genesis: genesisPolicy)
        guard let proof = try chain.proof(RegistryLayout.address, slots: slots, atHash: block.hash) else {
            throw NodeError("no state for block \(block.header.number)")
        }
        return RegistryProof(block: block.header.number, accountProof: proof.accountProof,
                             slots: proof.storage.map { RegistryProof.SlotProof(slot: $0.key, proof: $0.proof) })
    }

    /// Hands the enclave every `0x43` wrap or `0x42` grant addressed to it in canonical blocks
    /// up to `upTo`, searching from its join (or where the last search stopped), and again
    /// the ones it refused before (a few times).
    private func installAddressed(upTo: UInt64, from joined: UInt64, proof: RegistryProof) throws {
        var pending = progress.withLock { $0.refused.map { ($0.key, $0.value.payload) } }
        let start = max(joined, progress.withLock { $0.scannedUpTo } + 1)
        if start <= upTo {
            for number in start...upTo {
                guard let header = chain.canonicalHeader(number), let block = chain.block(hash: header.hash) else { continue }
                for tx in block.transactions {
                    guard case .system(let system) = tx.transaction else { continue }
                    switch system.payload {
                    case .generation(let g) where g.wraps.contains(where: { $0.enclaveID == enclave.enclaveID }): pending.append((tx.hash, system.payload))
                    case .grant(let g) where g.targetEnclaveID == enclave.enclaveID: pending.append((tx.hash, system.payload))
                    default: break
                    }
                }
            }
            progress.withLock { $0.scannedUpTo = upTo }
        }
        for (hash, payload) in pending {
            do {
                guard case .installed(let g) = try enclave.client.request(.installKey(payload: payload.encoded, facts: proof)) else {
                    throw NodeError("the enclave answered installKey with another message")
                }
                progress.withLock { $0.refused[hash] = nil }
                logger.info("Enclave installed a consortium secret", metadata: ["generation": "\(g)", "transaction": "\(hash)"])
            } catch {
                let attempts = progress.withLock { s -> Int in
                    let n = (s.refused[hash]?.attempts ?? 0) + 1
                    s.refused[hash] = n < Self.installAttempts ? (payload, n) : nil
                    return n
                }
                logger.warning("Enclave refused a secret addressed to it", metadata: [
                    "transaction": "\(hash)", "attempt": "\(attempts) of \(Self.installAttempts)", "error": "\(error)"])
            }
        }
    }

    /// The trusted holder that rotates the key: the first, in Clique's turn order from the
    /// next block's in-turn signer, whose authority has a trusted enclave.
    private func designated(among holders: [EnclaveRecord], head: SealedHeader) throws -> Hash32? {
        let signers = try clique.signers(after: head, reader: chain.headers)
        guard !signers.isEmpty else { return nil }
        let start = Int((head.header.number + 1) % UInt64(signers.count))
        for i in 0..<signers.count {
            let authority = signers[(start + i) % signers.count]
            if let holder = holders.first(where: { $0.authority == authority }) { return holder.enclaveID }
        }
        return nil
    }

    /// Asks the enclave for a system payload and submits it.
    private func sendFromEnclave(_ request: HostRequest, what: String) throws {
        guard case .systemPayload(let bytes) = try enclave.client.request(request) else {
            throw NodeError("the enclave answered with another message")
        }
        try submit(try SystemPayload(encoded: bytes), what: what)
    }

    /// Signs `payload` as a system transaction from the authority and adds it to the pool.
    private func submit(_ payload: SystemPayload, what: String) throws {
        let tx = SystemTransaction(chainID: chain.config.chainID, nonce: pool.nextNonce(key.address), payload: payload)
            .signed(with: key).signedTransaction
        try pool.add(tx)
        progress.withLock { $0.inFlight = tx.hash }
        logger.info("Sent a system transaction", metadata: ["kind": "\(what)", "hash": "\(tx.hash)"])
    }

    // MARK: RPC

    /// `conf_getTxKey` at `header`: the statement for the epoch of the next block under the
    /// registry's current generation there.
    func txKey(at header: SealedHeader) throws -> TxKeyStatement {
        let registry = Registry(slots: RegistryReaderSlots(reader: try chain.stateReader(atHash: header.hash) ?? chain.state.latest()))
        guard let generation = try registry.generations().last?.generation else {
            throw NodeError("no consortium key exists yet at block \(header.header.number) (the enclaves have not bootstrapped)")
        }
        let length = genesisPolicy.epochLength
        let epoch = (header.header.number + 1) / length
        guard case .txKeyStatement(let publicKey, let signature) = try enclave.client.request(.txKey(epoch: epoch, generation: generation)) else {
            throw NodeError("the enclave answered txKey with another message")
        }
        return TxKeyStatement(chainID: chain.config.chainID, epoch: epoch, generation: generation, suite: 1, publicKey: publicKey,
                              enclaveID: enclave.enclaveID, signature: signature, fromBlock: epoch * length,
                              toBlock: (epoch + 2) * length - 1)
    }

}

extension ConfidentialAgent {
    /// `conf_call` (section 5.4): runs a signed view envelope in this node's enclave against
    /// the confidential state after `header`. Only a trusted enclave answers.
    func view(_ envelope: [UInt8], at header: SealedHeader) throws -> [UInt8] {
        let summary = summary()
        guard summary.trusted else { throw NodeError("this node's enclave is not trusted: \(summary.reason ?? "unknown")") }
        try linkNow()
        let ancestor = chain.nearestSection(atOrBelow: header.hash)
        let h = header.header
        let context = ExecContext(author: key.address, number: h.number + 1, gasLimit: h.gasLimit, timestamp: h.timestamp,
                                  difficulty: h.difficulty, mixDigest: h.mixHash, baseFeePerGas: h.baseFeePerGas ?? .zero)
        let request = ViewCallRequest(envelope: envelope, blockHash: header.hash, context: context,
                                      ancestorSection: ancestor?.section.rlp ?? [])
        let chain = self.chain
        guard case .viewResult(let encrypted) = try enclaveClient.request(.viewCall(request), nodes: { chain.encryptedTrieNode($0) }) else {
            throw NodeError("the enclave answered a view call with another message")
        }
        return encrypted
    }
}

/// `conf_proposePolicy` on an authority's node: a `0x44` vote signed with its account key.
enum PolicyProposal {
    static func submit(_ vote: PolicyVote, chain: Blockchain, pool: TransactionPool, key: Secp256k1.PrivateKey) throws -> Hash32 {
        let tx = SystemTransaction(chainID: chain.config.chainID, nonce: pool.nextNonce(key.address), payload: .vote(vote))
            .signed(with: key).signedTransaction
        try pool.add(tx)
        return tx.hash
    }
}
