public import Primitives
public import ChainTypes
import Consensus
import Synchronization

/// Why the enclave refused a header or a fact.
public struct LightClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The enclave's own view of the chain (CONFIDENTIAL.md section 7, "acts only on facts it
/// can check"): a header chain from genesis that the enclave linked hash by hash and whose
/// Clique seals it verified, tracking the signer set (votes, checkpoints, recent signers)
/// exactly as Clique does.
///
/// Guarantees: every header it holds extends genesis through parent hashes it checked, was
/// sealed by a signer of the set at its parent, not one that sealed too recently. A host
/// can withhold headers or feed a fork; it cannot make the enclave hold a header no signer
/// sealed. ``buried(_:)`` answers only for blocks with ⌊n/2⌋ + 1 descendants sealed by
/// distinct signers, so one authority's host cannot feed its enclave a private fork's facts.
/// A reorg replaces at most ``reorgWindow`` blocks. Thread-safe.
public final class VerifiedChain: Sendable {
    /// One linked block: what the enclave needs of it later.
    public struct Link: Sendable, Equatable {
        public var number: UInt64
        public var hash: Hash32
        public var stateRoot: Hash32
        public var timestamp: UInt64
        public var signer: Address
        /// Signers at the parent (who could seal this block).
        public var signerCount: Int
        /// The first 32 bytes of extra data: on a confidential chain, the hash of the block's
        /// section, or zero when it has none (CONFIDENTIAL.md section 6).
        public var vanity: [UInt8] = []
        /// Whether the block carries a confidential section (a nonzero vanity).
        public var hasSection: Bool { vanity.contains { $0 != 0 } }
    }

    /// Blocks a reorg may replace (snapshots are kept this far back).
    public static let reorgWindow = 128

    private struct State {
        var links: [Link]
        /// The snapshot after each of the last `reorgWindow` links, by number.
        var snapshots: [UInt64: CliqueSnapshot]
    }

    private let epoch: UInt64
    private let state: Mutex<State>

    /// A chain holding only `genesis`, whose extra data lists the first signers.
    public init(genesis: Header, epoch: UInt64) throws(LightClientError) {
        guard genesis.number == 0, let signers = CliqueSeal.checkpointSigners(of: genesis), !signers.isEmpty else {
            throw LightClientError("the genesis header lists no Clique signers")
        }
        self.epoch = epoch == 0 ? CliqueConfig.defaultEpoch : epoch
        let sealed = SealedHeader(genesis)
        let snapshot = CliqueSnapshot(number: 0, hash: sealed.hash, signers: signers)
        state = Mutex(State(links: [Link(number: 0, hash: sealed.hash, stateRoot: genesis.stateRoot, timestamp: genesis.timestamp,
                                         signer: .zero, signerCount: signers.count, vanity: [])],
                            snapshots: [0: snapshot]))
    }

    /// The tip: the newest linked block.
    public var tip: Link { state.withLock { $0.links[$0.links.count - 1] } }

    /// The linked block at `number`, if the chain reaches it.
    public func link(at number: UInt64) -> Link? {
        state.withLock { s in number < UInt64(s.links.count) ? s.links[Int(number)] : nil }
    }

    /// `BLOCKHASH` for a block numbered `number` on this chain: the 256 linked blocks below it, zero otherwise.
    public func blockHashes(below number: UInt64) -> @Sendable (UInt64) -> Hash32 {
        { [self] n in n < number && n + 256 >= number ? link(at: n)?.hash ?? .zero : .zero }
    }

    /// The nearest linked block at or below `number` that carries a confidential section
    /// (nil when none does, back to genesis).
    public func nearestSection(atOrBelow number: UInt64) -> Link? {
        state.withLock { s in
            var i = min(Int(clamping: number), s.links.count - 1)
            while i > 0 {
                if s.links[i].hasSection { return s.links[i] }
                i -= 1
            }
            return nil
        }
    }

    /// The signers after the tip.
    public var signers: [Address] { state.withLock { $0.snapshots[UInt64($0.links.count - 1)]?.signers ?? [] } }

    /// Links `headers` (oldest first). The first must extend a linked block no more than
    /// ``reorgWindow`` below the tip; a header that replaces linked ones drops them. Headers
    /// already linked are skipped. All or nothing: on a refused header nothing changes.
    public func link(_ headers: [Header]) throws(LightClientError) -> Link {
        try state.withLock { (s: inout State) throws(LightClientError) -> Link in
            guard let first = headers.first else { return s.links[s.links.count - 1] }
            guard first.number >= 1, first.number <= UInt64(s.links.count) else {
                throw LightClientError("header \(first.number) does not follow the verified chain (tip \(s.links.count - 1))")
            }
            let parentNumber = first.number - 1
            guard s.links[Int(parentNumber)].hash == first.parentHash else {
                throw LightClientError("header \(first.number)'s parent is not the verified block \(parentNumber)")
            }
            guard var snapshot = s.snapshots[parentNumber] else {
                throw LightClientError("header \(first.number) replaces blocks deeper than the reorg window (\(Self.reorgWindow))")
            }
            var links = Array(s.links[0...Int(parentNumber)])
            var snapshots = s.snapshots.filter { $0.key <= parentNumber }
            var replaced = false
            for header in headers {
                let sealed = SealedHeader(header)
                let number = UInt64(links.count)
                if !replaced, number < UInt64(s.links.count), s.links[Int(number)].hash == sealed.hash, let kept = s.snapshots[number] {
                    links.append(s.links[Int(number)]); snapshot = kept; snapshots[number] = kept
                    continue
                }
                replaced = true
                guard header.number == number, header.parentHash == links[links.count - 1].hash else {
                    throw LightClientError("header \(header.number) does not link to block \(number - 1)")
                }
                let signerCount = snapshot.signers.count
                let signer: Address
                do {
                    signer = try CliqueSeal.recoverSigner(of: header)
                    snapshot = try snapshot.applying([sealed], epoch: epoch) { _ throws(ConsensusError) in signer }
                } catch {
                    throw LightClientError("header \(header.number): \(error)")
                }
                links.append(Link(number: number, hash: sealed.hash, stateRoot: header.stateRoot, timestamp: header.timestamp,
                                  signer: signer, signerCount: signerCount, vanity: Array(header.extraData.prefix(32))))
                snapshots[number] = snapshot
            }
            // Keep later linked blocks when the batch only re-linked known ones.
            if !replaced, links.count < s.links.count {
                links = s.links
                snapshots = s.snapshots
            }
            let tipNumber = UInt64(links.count - 1)
            s.links = links
            s.snapshots = snapshots.filter { tipNumber < UInt64(Self.reorgWindow) || $0.key + UInt64(Self.reorgWindow) > tipNumber }
            return links[links.count - 1]
        }
    }

    /// Block `number` when ⌊n/2⌋ + 1 distinct signers sealed blocks after it on the verified
    /// chain (n: the signers at that block); nil otherwise.
    public func buried(_ number: UInt64) -> Link? {
        state.withLock { s in
            guard number < UInt64(s.links.count) else { return nil }
            let link = s.links[Int(number)]
            let needed = link.signerCount / 2 + 1
            var sealers: Set<Address> = []
            for later in s.links[(Int(number) + 1)...] {
                sealers.insert(later.signer)
                if sealers.count >= needed { return link }
            }
            return nil
        }
    }

    /// The hashes of up to `count` blocks before `number`, parent first (what the verifier
    /// takes as a join's ancestry).
    public func ancestors(of number: UInt64, count: UInt64) -> [Hash32] {
        state.withLock { s in
            guard number <= UInt64(s.links.count), number > 0 else { return [] }
            let depth = min(count, number)
            return (1...depth).map { s.links[Int(number - $0)].hash }
        }
    }
}
