import Foundation
public import Storage
public import ChainTypes
import State
import Consensus
public import Primitives

/// Why a data directory's chain could not be opened.
public enum OpenChainError: Error, Sendable, CustomStringConvertible {
    /// The directory was never initialized with a genesis.
    case notInitialized
    /// The stored genesis file no longer parses.
    case badGenesis(String)
    /// The chain uses a consensus engine this build does not have.
    case unsupportedEngine
    case storage(StorageError)
    case chain(BlockImportError)

    public var description: String {
        switch self {
        case .notInitialized: "the data directory holds no chain: run `cloister init --datadir DIR GENESIS.json` first"
        case .badGenesis(let why): "the stored genesis does not parse: \(why)"
        case .unsupportedEngine: "the chain's config names no clique section: only Clique chains are supported"
        case .storage(let e): "\(e)"
        case .chain(let e): "\(e)"
        }
    }
}

extension Blockchain {
    /// Opens the chain of an initialized data directory: its stored genesis gives the
    /// configuration, and its `clique` section the engine (snapshots persisted in the store).
    /// `ownSigner` is this node's sealing address, if any: on equal total difficulty and
    /// height, a block it sealed is kept over a peer's (go-ethereum's preference).
    public static func open(store: any KeyValueStore,
                            clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock,
                            ownSigner: Address? = nil) throws(OpenChainError) -> Blockchain {
        let bytes: [UInt8]?
        do { bytes = try store.get(Tables.meta, GenesisInitializer.genesisFileKey) } catch { throw .storage(error) }
        guard let bytes else { throw .notInitialized }
        let genesis: Genesis
        do { genesis = try Genesis(json: Data(bytes)) } catch { throw .badGenesis("\(error)") }
        guard let clique = genesis.config.clique else { throw .unsupportedEngine }
        let engine = Clique(config: clique, snapshotStore: StoredCliqueSnapshots(store: store))
        let preserve: @Sendable (Header) -> Bool = { header in
            guard let ownSigner else { return false }
            return (try? engine.author(of: header)) == ownSigner
        }
        do {
            return try Blockchain(store: store, config: genesis.config, engine: engine, clock: clock, preserve: preserve)
        } catch { throw .chain(error) }
    }
}
