import ArgumentParser
import Foundation
import Primitives
import Storage
import ChainTypes
import State

/// `cloister genesis …`: inspect genesis files.
struct GenesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genesis",
        abstract: "Inspect geth-format genesis files.",
        subcommands: [Hash.self]
    )

    /// `cloister genesis hash FILE`: the genesis block hash.
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the genesis block hash of a genesis file.")

        @Argument(help: "A geth-format genesis JSON file.")
        var file: String

        @Flag(help: "Also print the state root and the header fields.")
        var verbose = false

        func run() throws {
            let genesis: Genesis
            do { genesis = try Genesis(contentsOf: URL(fileURLWithPath: file)) } catch { throw CLIError("\(file): \(error)") }
            let header = genesis.header
            print(header.hash)
            if verbose {
                print("chain id:   \(genesis.config.chainID)")
                print("state root: \(header.stateRoot)")
                print("accounts:   \(genesis.alloc.count)")
                print("gas limit:  \(header.gasLimit)")
                print("base fee:   \(header.baseFeePerGas.map { "\($0)" } ?? "none (pre-London)")")
            }
        }
    }
}

/// `cloister init --datadir DIR FILE`: writes a genesis into a data directory.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Initialise a data directory with a genesis file (refuses a directory holding another chain)."
    )

    @Option(help: "The data directory (created if missing).")
    var datadir: String

    @Argument(help: "A geth-format genesis JSON file.")
    var file: String

    func run() throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw CLIError("cannot read \(file): \(error.localizedDescription)")
        }
        let genesis: Genesis
        do { genesis = try Genesis(json: bytes) } catch { throw CLIError("\(file): \(error)") }
        let store: LMDBStore
        do { store = try LMDBStore(path: datadir) } catch { throw CLIError("\(error)") }
        do {
            switch try GenesisInitializer.initialize(store: store, genesis: genesis, file: Array(bytes)) {
            case .initialized(let hash):
                print("Initialised \(datadir) with genesis \(hash) (chain id \(genesis.config.chainID), \(genesis.alloc.count) accounts)")
            case .alreadyInitialized(let hash):
                print("\(datadir) already holds genesis \(hash): nothing to do")
            }
        } catch { throw CLIError("\(error)") }
    }
}
