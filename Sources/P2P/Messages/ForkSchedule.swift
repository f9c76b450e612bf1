public import Primitives
public import ChainTypes

/// A chain's forks as EIP-2124 and EIP-6122 see them, to compute this node's ``ForkID``
/// and to validate a peer's.
///
/// Guarantees: block forks are the chain config's fork block numbers (every one, the DAO
/// block included, as go-ethereum gathers them), sorted, de-duplicated, with block 0
/// dropped (a genesis ruleset is not a fork); time forks likewise, dropping those at or
/// before the genesis time (EIP-6122). The fork hash feeds the genesis hash, then each
/// passed block fork, then each passed time fork, into CRC32. An immutable `Sendable`
/// value; build it once per chain and ask it for any head.
public struct ForkSchedule: Sendable, Hashable {
    public let genesisHash: Hash32
    /// Fork block numbers, ascending, without 0.
    public let blockForks: [UInt64]
    /// Fork timestamps, ascending, all after the genesis time.
    public let timeForks: [UInt64]
    /// `sums[i]`: the fork hash after the first `i` forks (blocks, then times).
    private let sums: [UInt32]

    /// go-ethereum's threshold for telling a timestamp from a block number in `FORK_NEXT`
    /// (the mainnet Frontier genesis time, `timestampThreshold` in `core/forkid`).
    static let timestampThreshold: UInt64 = 1_438_269_973

    public init(config: ChainConfig, genesisHash: Hash32, genesisTime: UInt64) {
        let blocks: [UInt64?] = [
            config.homesteadBlock, config.daoForkBlock, config.eip150Block, config.eip155Block,
            config.eip158Block, config.byzantiumBlock, config.constantinopleBlock, config.petersburgBlock,
            config.istanbulBlock, config.muirGlacierBlock, config.berlinBlock, config.londonBlock,
            config.arrowGlacierBlock, config.grayGlacierBlock, config.mergeNetsplitBlock,
        ]
        let times: [UInt64?] = [config.shanghaiTime, config.cancunTime]
        self.init(genesisHash: genesisHash,
                  blockForks: blocks.compactMap { $0 }.filter { $0 > 0 },
                  timeForks: times.compactMap { $0 }.filter { $0 > genesisTime })
    }

    /// A schedule from explicit fork lists (sorted and de-duplicated here).
    public init(genesisHash: Hash32, blockForks: [UInt64], timeForks: [UInt64]) {
        self.genesisHash = genesisHash
        self.blockForks = Array(Set(blockForks)).sorted()
        self.timeForks = Array(Set(timeForks)).sorted()
        var sum = CRC32.checksum(genesisHash.bytes)
        var sums = [sum]
        for fork in self.blockForks + self.timeForks {
            sum = CRC32.update(sum, fork: fork)
            sums.append(sum)
        }
        self.sums = sums
    }

    /// This node's fork id at a head with this block number and timestamp.
    public func forkID(headNumber: UInt64, headTime: UInt64) -> ForkID {
        var sum = sums[0]
        for fork in blockForks {
            guard fork <= headNumber else { return ForkID(hash: sum, next: fork) }
            sum = CRC32.update(sum, fork: fork)
        }
        for fork in timeForks {
            guard fork <= headTime else { return ForkID(hash: sum, next: fork) }
            sum = CRC32.update(sum, fork: fork)
        }
        return ForkID(hash: sum, next: 0)
    }

    /// Whether a peer announcing `remote` may stay connected while our head is at
    /// `headNumber`/`headTime`: the validation rules of EIP-2124 (with EIP-6122's order,
    /// block forks before time forks).
    ///
    /// 1. Same fork hash as ours: compatible, unless the peer's `next` fork has already
    ///    passed here (1a: ``ForkIDValidation/localIncompatibleOrStale``).
    /// 2. The hash of one of our earlier states: compatible if its `next` is the fork we
    ///    applied after that state, else ``ForkIDValidation/remoteStale``.
    /// 3. The hash of one of our future states: compatible (we are syncing).
    /// 4. Anything else: ``ForkIDValidation/localIncompatibleOrStale``.
    public func validate(_ remote: ForkID, headNumber: UInt64, headTime: UInt64) -> ForkIDValidation {
        let forks = blockForks + timeForks
        // Index of the first fork not yet passed (forks.count when all have passed).
        var current = forks.count
        for (i, fork) in forks.enumerated() {
            let head = i < blockForks.count ? headNumber : headTime
            if head < fork { current = i; break }
        }
        let head = current < blockForks.count || timeForks.isEmpty ? headNumber : headTime
        if sums[current] == remote.hash {
            // Rule 1a: the peer announces a fork we have already passed without knowing it.
            if remote.next > 0 && (head >= remote.next
                                   || (remote.next > Self.timestampThreshold && headTime >= remote.next)) {
                return .localIncompatibleOrStale
            }
            return .compatible
        }
        // Rule 2: the peer is in one of our past states; its next fork must be the one we took.
        for j in 0..<current where sums[j] == remote.hash {
            return forks[j] == remote.next ? .compatible : .remoteStale
        }
        // Rule 3: the peer is in one of our future states.
        for j in (current + 1)..<sums.count where sums[j] == remote.hash {
            return .compatible
        }
        return .localIncompatibleOrStale
    }
}

/// The outcome of validating a peer's fork id (EIP-2124 "Validation rules").
public enum ForkIDValidation: Sendable, Hashable {
    /// Same chain and compatible fork state (rules 1b, 2, 3).
    case compatible
    /// The peer's fork hash is one of our past states but it announces a different next
    /// fork: its software is stale (rule 2; go-ethereum's `ErrRemoteStale`).
    case remoteStale
    /// Another chain, or a fork we do not know (rules 1a and 4; `ErrLocalIncompatibleOrStale`).
    case localIncompatibleOrStale
}
