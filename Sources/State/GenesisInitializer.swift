import Foundation
public import Primitives
public import Storage
public import ChainTypes

/// Writes a genesis into an empty data directory, in one atomic batch: the
/// allocation's state (block 0), the genesis header as the canonical block 0,
/// and the genesis file itself (the chain configuration later starts read it).
public enum GenesisInitializer {
    /// Meta key of the genesis block hash.
    public static let genesisHashKey: [UInt8] = Array("genesis_hash".utf8)
    /// Meta key of the genesis file's bytes.
    public static let genesisFileKey: [UInt8] = Array("genesis_json".utf8)

    /// What ``initialize(store:genesis:file:)`` did.
    public enum Outcome: Sendable, Equatable {
        /// The genesis was written; block 0 has this hash.
        case initialized(Hash32)
        /// The data directory already holds this same genesis: nothing was written.
        case alreadyInitialized(Hash32)
    }

    /// Why a data directory was refused.
    public enum InitError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The directory holds a different chain.
        case differentGenesis(existing: Hash32, new: Hash32)
        /// The state could not be written.
        case state(StateError)

        public var description: String {
            switch self {
            case .differentGenesis(let existing, let new):
                "data directory already holds a chain with genesis \(existing); this genesis file gives \(new). Use an empty --datadir"
            case .state(let e): "\(e)"
            }
        }
    }

    /// The genesis hash recorded in the store, if any.
    public static func storedGenesisHash(_ store: any KeyValueStore) throws(StorageError) -> Hash32? {
        guard let bytes = try store.get(Tables.meta, genesisHashKey) else { return nil }
        return Hash32(bytes)
    }

    public static func initialize(store: any KeyValueStore, genesis: Genesis, file: [UInt8]) throws(InitError) -> Outcome {
        do {
            return try store.write { w -> Outcome in
                if let existing = try w.get(Tables.meta, genesisHashKey).flatMap({ Hash32($0) }) {
                    let hash = genesis.header.hash
                    guard existing == hash else { throw InitError.differentGenesis(existing: existing, new: hash) }
                    return .alreadyInitialized(hash)
                }
                // The committed root is the allocation's root: the state is built once.
                let root = try StateStore.commit(StateChanges(genesis: genesis), block: 0, in: w)
                let header = genesis.header(stateRoot: root)
                let hash = header.hash
                try w.put(Tables.headers, hash.bytes, header.rlpEncoded)
                try w.put(Tables.canonical, StateKeys.blockNumber(0), hash.bytes)
                try w.put(Tables.blockNumbers, hash.bytes, StateKeys.blockNumber(0))
                // Empty body and receipts, and the total difficulty the chain starts from.
                try w.put(Tables.bodies, hash.bytes, [0xc2, 0xc0, 0xc0])
                try w.put(Tables.receipts, hash.bytes, [0xc0])
                try w.put(Tables.totalDifficulty, hash.bytes, header.difficulty.minimalBigEndianBytes)
                try w.put(Tables.meta, genesisHashKey, hash.bytes)
                try w.put(Tables.meta, genesisFileKey, file)
                return .initialized(hash)
            }
        } catch let e as InitError {
            throw e
        } catch let e as StateError {
            throw .state(e)
        } catch let e as StorageError {
            throw .state(.storage(e))
        } catch {
            throw .state(.corruptRecord(table: "", reason: "\(error)"))
        }
    }
}
