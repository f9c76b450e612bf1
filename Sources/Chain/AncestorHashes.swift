import Primitives
import ChainTypes
import Synchronization

/// BLOCKHASH for a block being executed: the hashes of its last 256 ancestors on
/// its own branch (not necessarily the canonical one), read lazily from stored
/// headers and remembered.
///
/// An ancestor that cannot be read (a storage error, a missing header) is never
/// answered as a zero hash silently: the first such failure is kept in ``failure``
/// and the caller must abandon the execution when it is set.
final class AncestorHashes: Sendable {
    private let reader: ChainStore
    private let known = Mutex<(hashes: [UInt64: Hash32], oldest: (number: UInt64, hash: Hash32), failure: String?)>(([:], (0, .zero), nil))
    private let blockNumber: UInt64

    /// Hashes for a block whose parent is `parent`.
    init(parent: SealedHeader, reader: ChainStore) {
        self.reader = reader
        blockNumber = parent.header.number + 1
        known.withLock { $0 = ([parent.header.number: parent.hash], (parent.header.number, parent.hash), nil) }
    }

    /// Why an ancestor's hash could not be read, if one could not.
    var failure: String? { known.withLock { $0.failure } }

    /// The hash of block `number`, or zero outside the window [n-256, n-1].
    func hash(_ number: UInt64) -> Hash32 {
        guard number < blockNumber, blockNumber - number <= 256 else { return .zero }
        return known.withLock { state in
            if let h = state.hashes[number] { return h }
            // Walk back from the oldest known ancestor.
            while state.oldest.number > number {
                let header: SealedHeader
                do {
                    guard let h = try reader.readHeader(hash: state.oldest.hash) else {
                        if state.failure == nil { state.failure = "ancestor header \(state.oldest.hash) is missing" }
                        return .zero
                    }
                    header = h
                } catch {
                    if state.failure == nil { state.failure = "reading ancestor \(state.oldest.hash): \(error)" }
                    return .zero
                }
                let parent = (header.header.number - 1, header.header.parentHash)
                state.hashes[parent.0] = parent.1
                state.oldest = parent
            }
            return state.hashes[number] ?? .zero
        }
    }
}
