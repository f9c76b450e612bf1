import Primitives
import ChainTypes
import Synchronization

/// BLOCKHASH for a block being executed: the hashes of its last 256 ancestors on
/// its own branch (not necessarily the canonical one), read lazily from stored
/// headers and remembered.
final class AncestorHashes: Sendable {
    private let reader: ChainStore
    private let known = Mutex<(hashes: [UInt64: Hash32], oldest: (number: UInt64, hash: Hash32))>(([:], (0, .zero)))
    private let blockNumber: UInt64

    /// Hashes for a block whose parent is `parent`.
    init(parent: SealedHeader, reader: ChainStore) {
        self.reader = reader
        blockNumber = parent.header.number + 1
        known.withLock { $0 = ([parent.header.number: parent.hash], (parent.header.number, parent.hash)) }
    }

    /// The hash of block `number`, or zero outside the window [n-256, n-1].
    func hash(_ number: UInt64) -> Hash32 {
        guard number < blockNumber, blockNumber - number <= 256 else { return .zero }
        return known.withLock { state in
            if let h = state.hashes[number] { return h }
            // Walk back from the oldest known ancestor.
            while state.oldest.number > number {
                guard let header = reader.header(hash: state.oldest.hash) else { return .zero }
                let parent = (header.header.number - 1, header.header.parentHash)
                state.hashes[parent.0] = parent.1
                state.oldest = parent
            }
            return state.hashes[number] ?? .zero
        }
    }
}
