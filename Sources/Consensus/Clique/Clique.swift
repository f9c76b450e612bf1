public import Primitives
public import ChainTypes
import Synchronization

/// Proof of authority as EIP-225 and go-ethereum's verifier define it.
///
/// Guarantees: a header passes ``verifyHeader(_:parent:reader:now:)`` only if every
/// Clique rule holds — layout of extra data, vote nonce and beneficiary, zero mix digest,
/// no uncles, difficulty by turn, `parent.time + period ≤ time ≤ now`, a signer that is
/// authorized and has not sealed in the last floor(N/2) blocks, and on checkpoints the
/// exact signer list. Voting state comes from snapshots, cached in memory and saved every
/// ``checkpointInterval`` blocks through a ``CliqueSnapshotStore`` so a restart does not
/// replay from genesis. Safe to call from any thread (caches behind mutexes).
public final class Clique: ConsensusEngine {
    public let config: CliqueConfig
    /// Blocks between persisted snapshots (go-ethereum's value).
    public static let checkpointInterval: UInt64 = 1024
    private static let snapshotCacheLimit = 256
    private static let signerCacheLimit = 8192

    private let snapshotStore: (any CliqueSnapshotStore)?
    private let snapshots = Mutex<[Hash32: CliqueSnapshot]>([:])
    private let signers = Mutex<[Hash32: Address]>([:])
    /// Votes this node's signer will cast (`clique_propose`): address → add (true) or drop.
    private let proposalTable = Mutex<[Address: Bool]>([:])

    public init(config: CliqueConfig, snapshotStore: (any CliqueSnapshotStore)? = nil) {
        self.config = config
        self.snapshotStore = snapshotStore
    }

    private var epoch: UInt64 { config.epoch == 0 ? CliqueConfig.defaultEpoch : config.epoch }

    // MARK: Signers and snapshots

    /// The sealer of `header`, recovered once per hash and cached.
    public func signer(of header: SealedHeader) throws(ConsensusError) -> Address {
        if let cached = signers.withLock({ $0[header.hash] }) { return cached }
        let signer = try CliqueSeal.recoverSigner(of: header.header)
        signers.withLock { cache in
            if cache.count >= Self.signerCacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[header.hash] = signer
        }
        return signer
    }

    public func author(of header: Header) throws(ConsensusError) -> Address {
        try signer(of: SealedHeader(header))
    }

    public func weight(of header: Header) -> UInt256 { header.difficulty }

    public func signers(after header: SealedHeader, reader: any HeaderReader) throws(ConsensusError) -> [Address] {
        try snapshot(number: header.header.number, hash: header.hash, reader: reader).signers
    }

    public func isCheckpoint(_ number: UInt64) -> Bool { number % epoch == 0 }

    /// The voting state after block `hash` (number `number`): from the memory cache, a
    /// persisted checkpoint snapshot, or the genesis signer list, then replayed forward.
    public func snapshot(number: UInt64, hash: Hash32, reader: any HeaderReader) throws(ConsensusError) -> CliqueSnapshot {
        var pending: [SealedHeader] = []
        var n = number
        var h = hash
        var base: CliqueSnapshot
        while true {
            if let s = snapshots.withLock({ $0[h] }) { base = s; break }
            if n % Self.checkpointInterval == 0, let s = snapshotStore?.load(hash: h), s.number == n { base = s; break }
            guard let sealed = reader.header(hash: h), sealed.header.number == n else { throw .unknownAncestor }
            if n == 0 {
                guard let list = CliqueSeal.checkpointSigners(of: sealed.header) else {
                    throw .corruptSnapshot("genesis extra data holds no signer list")
                }
                base = CliqueSnapshot(number: 0, hash: h, signers: list)
                snapshotStore?.save(base)
                break
            }
            pending.append(sealed)
            n -= 1
            h = sealed.header.parentHash
        }
        guard !pending.isEmpty else { remember(base); return base }
        pending.reverse()
        // Apply in segments ending at each multiple of the checkpoint interval, saving those.
        var snap = base
        var start = 0
        while start < pending.count {
            var end = start + 1
            while end < pending.count && pending[end - 1].header.number % Self.checkpointInterval != 0 { end += 1 }
            snap = try snap.applying(Array(pending[start..<end]), epoch: epoch) { (header: SealedHeader) throws(ConsensusError) -> Address in
                try self.signer(of: header)
            }
            if snap.number % Self.checkpointInterval == 0 { snapshotStore?.save(snap) }
            start = end
        }
        remember(snap)
        return snap
    }

    private func remember(_ snap: CliqueSnapshot) {
        snapshots.withLock { cache in
            if cache.count >= Self.snapshotCacheLimit {
                // Keep the newest half: recent heights are the ones asked for again.
                let keep = cache.values.sorted { $0.number > $1.number }.prefix(Self.snapshotCacheLimit / 2)
                cache = Dictionary(uniqueKeysWithValues: keep.map { ($0.hash, $0) })
            }
            cache[snap.hash] = snap
        }
    }

    // MARK: Verification

    public func verifyHeader(_ sealed: SealedHeader, parent: SealedHeader, reader: any HeaderReader,
                             now: UInt64) throws(ConsensusError) {
        let header = sealed.header
        try verifyStandalone(header, now: now)
        guard parent.header.number + 1 == header.number, parent.hash == header.parentHash else { throw .unknownAncestor }
        let earliest = parent.header.timestamp.addingReportingOverflow(config.period)
        guard !earliest.overflow, header.timestamp >= earliest.partialValue else {
            throw .invalidTimestamp(timestamp: header.timestamp, earliest: earliest.partialValue)
        }
        let snap = try snapshot(number: parent.header.number, hash: parent.hash, reader: reader)
        if header.number % epoch == 0 {
            guard CliqueSeal.checkpointSigners(of: header) == snap.signers else { throw .mismatchingCheckpointSigners }
        }
        try verifySeal(sealed, snapshot: snap)
    }

    /// The rules a header must meet on its own.
    private func verifyStandalone(_ header: Header, now: UInt64) throws(ConsensusError) {
        if header.timestamp > now { throw .futureBlock(timestamp: header.timestamp, now: now) }
        let checkpoint = header.number % epoch == 0
        if checkpoint && header.beneficiary != .zero { throw .invalidCheckpointBeneficiary }
        guard header.nonce == CliqueSeal.authorizeVote || header.nonce == CliqueSeal.dropVote else { throw .invalidVote }
        if checkpoint && header.nonce != CliqueSeal.dropVote { throw .invalidCheckpointVote }
        let extra = header.extraData.count
        guard extra >= CliqueSeal.vanityLength else { throw .missingVanity }
        guard extra >= CliqueSeal.vanityLength + CliqueSeal.sealLength else { throw .missingSignature }
        let signerBytes = extra - CliqueSeal.vanityLength - CliqueSeal.sealLength
        if !checkpoint && signerBytes != 0 { throw .extraSigners }
        if checkpoint && signerBytes % Address.byteCount != 0 { throw .invalidCheckpointSigners }
        guard header.mixHash == .zero else { throw .invalidMixDigest }
        guard header.ommersHash == .emptyListHash else { throw .invalidUncleHash }
        if header.number > 0 && header.difficulty != CliqueSeal.inTurnDifficulty
            && header.difficulty != CliqueSeal.outOfTurnDifficulty {
            throw .invalidDifficulty(header.difficulty)
        }
        guard header.gasLimit <= UInt64(Int64.max) else { throw .invalidGasLimit(header.gasLimit) }
        if header.withdrawalsRoot != nil { throw .unsupportedFork("shanghai fork (withdrawals)") }
        if header.blobGasUsed != nil || header.excessBlobGas != nil || header.parentBeaconBlockRoot != nil {
            throw .unsupportedFork("cancun fork (blob gas, beacon root)")
        }
    }

    public func verifySeal(_ sealed: SealedHeader, reader: any HeaderReader) throws(ConsensusError) {
        guard sealed.header.number > 0 else { throw .unknownAncestor }
        let snap = try snapshot(number: sealed.header.number - 1, hash: sealed.header.parentHash, reader: reader)
        try verifySeal(sealed, snapshot: snap)
    }

    private func verifySeal(_ sealed: SealedHeader, snapshot snap: CliqueSnapshot) throws(ConsensusError) {
        let header = sealed.header
        let signer = try signer(of: sealed)
        guard snap.isSigner(signer) else { throw .unauthorizedSigner(signer) }
        if snap.signedRecently(signer, before: header.number) { throw .recentlySigned(signer) }
        let expected = snap.inTurn(header.number, signer: signer) ? CliqueSeal.inTurnDifficulty : CliqueSeal.outOfTurnDifficulty
        guard header.difficulty == expected else { throw .wrongDifficulty(got: header.difficulty, expected: expected) }
    }

    // MARK: Producing

    public func prepare(_ header: inout Header, parent: SealedHeader, signer: Address,
                        reader: any HeaderReader) throws(ConsensusError) {
        let number = parent.header.number + 1
        header.number = number
        header.parentHash = parent.hash
        header.beneficiary = .zero
        header.nonce = CliqueSeal.dropVote
        let snap = try snapshot(number: parent.header.number, hash: parent.hash, reader: reader)
        let checkpoint = number % epoch == 0
        if !checkpoint {
            // Cast one of our standing proposals that would still change something.
            let valid = proposalTable.withLock { $0 }.filter { address, authorize in
                authorize != snap.isSigner(address)
            }
            if let (address, authorize) = valid.randomElement() {
                header.beneficiary = address
                header.nonce = authorize ? CliqueSeal.authorizeVote : CliqueSeal.dropVote
            }
        }
        header.difficulty = snap.inTurn(number, signer: signer) ? CliqueSeal.inTurnDifficulty : CliqueSeal.outOfTurnDifficulty
        header.extraData = CliqueSeal.prepareExtraData(vanity: header.extraData, signers: checkpoint ? snap.signers : [])
        header.mixHash = .zero
        header.ommersHash = .emptyListHash
        header.timestamp = max(header.timestamp, parent.header.timestamp + config.period)
    }

    public func seal(_ header: Header, with key: Secp256k1.PrivateKey) throws(ConsensusError) -> Header {
        try CliqueSeal.sealed(header, with: key)
    }

    public func sealDecision(for header: Header, signer: Address, reader: any HeaderReader) throws(ConsensusError) -> SealDecision {
        guard header.number > 0 else { return .notAuthorized }
        let snap = try snapshot(number: header.number - 1, hash: header.parentHash, reader: reader)
        guard snap.isSigner(signer) else { return .notAuthorized }
        if snap.signedRecently(signer, before: header.number) { return .mustWait }
        if header.difficulty == CliqueSeal.outOfTurnDifficulty {
            // Out of turn: wait a random share of (N/2 + 1) × 500 ms so the in-turn signer wins.
            let window = UInt64(snap.signers.count / 2 + 1) * 500
            return .seal(afterMilliseconds: UInt64.random(in: 0...window))
        }
        return .seal(afterMilliseconds: 0)
    }

    // MARK: Proposals (clique_propose / clique_discard / clique_proposals)

    /// Makes this node's signer vote to add (`authorize`) or drop `address` in the blocks it seals.
    public func propose(_ address: Address, authorize: Bool) { proposalTable.withLock { $0[address] = authorize } }

    /// Withdraws a proposal.
    public func discard(_ address: Address) { proposalTable.withLock { $0[address] = nil } }

    /// The standing proposals.
    public var proposals: [Address: Bool] { proposalTable.withLock { $0 } }
}
