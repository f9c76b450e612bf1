import ArgumentParser
import Foundation
import Logging
import Primitives
import Keystore
import RPC
import Node

/// The JSON-RPC flags `dev` and `node` share.
struct RPCOptions: ParsableArguments {
    @Option(name: .customLong("http-addr"), help: "Address the JSON-RPC server (HTTP and WebSocket) listens on.")
    var httpAddr = "127.0.0.1"

    @Option(name: .customLong("http-port"), help: "Port of the JSON-RPC server (HTTP and WebSocket).")
    var httpPort = 8545

    @Option(name: .customLong("http-corsdomain"), parsing: .singleValue,
            help: "Origin allowed to call from a browser (repeatable; * for any).")
    var corsDomains: [String] = []

    @Option(name: .customLong("rpc-gascap"), help: "Most gas eth_call and eth_estimateGas may use.")
    var gasCap: UInt64 = 50_000_000

    @Flag(name: .customLong("rpc-full-extradata"),
          help: "Show blocks' whole extraData (Clique seal and signers) instead of the 32-byte vanity web3.py accepts by default.")
    var fullExtraData = false

    var configuration: RPCServerConfiguration {
        var c = RPCServerConfiguration()
        c.host = httpAddr
        c.port = httpPort
        c.corsOrigins = corsDomains
        return c
    }

    var limits: RPCLimits {
        var l = RPCLimits()
        l.gasCap = gasCap
        l.fullExtraData = fullExtraData
        return l
    }
}

func makeLogger(_ label: String) -> Logger {
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    var logger = Logger(label: label)
    logger.logLevel = .info
    return logger
}

/// `cloister dev`: a one-node development chain with prefunded test accounts.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a one-node development chain: one authority, ten prefunded test accounts, JSON-RPC on 127.0.0.1:8545.",
        discussion: """
        The accounts are the ten anvil and Hardhat derive from the public mnemonic \
        "\(DevChain.mnemonic)" (m/44'/60'/0'/0/i): their keys are public, for development only. \
        Account 0 seals the blocks. With --period 0 (the default) a block is sealed as soon as a \
        transaction is pending; no empty blocks are made. Without --datadir the chain lives in a \
        fresh temporary directory that is removed on exit.
        """
    )

    @Option(help: "Keep the chain in this data directory (initialised on first use) instead of a temporary one.")
    var datadir: String?

    @Option(help: "Seconds between blocks (0: seal when transactions are pending).")
    var period: UInt64 = 0

    @OptionGroup var rpc: RPCOptions

    func run() async throws {
        let logger = makeLogger("cloister.dev")
        let keys: [Secp256k1.PrivateKey]
        do { keys = try DevChain.accounts() } catch { throw CLIError("deriving the dev accounts: \(error)") }
        let temporary = datadir == nil
        let dir: String
        if let datadir {
            dir = datadir
        } else {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-dev-\(UUID().uuidString)").path
        }
        defer { if temporary { try? FileManager.default.removeItem(atPath: dir) } }
        printAccounts(keys)
        var config = NodeConfiguration(dataDirectory: dir, genesis: DevChain.genesis(accounts: keys.map(\.address), period: period),
                                       sealingKey: keys[0], rpc: rpc.configuration, rpcLimits: rpc.limits)
        config.unlockedAccounts = keys
        config.pool.globalSlots = 100_000
        config.pool.globalQueue = 20_000
        let node: ChainNode
        do { node = try ChainNode(config, logger: logger) } catch { throw CLIError("\(error)") }
        logger.info("Development chain", metadata: ["datadir": "\(dir)\(temporary ? " (temporary)" : "")", "chainId": "\(DevChain.chainID)"])
        try await node.run()
    }

    func printAccounts(_ keys: [Secp256k1.PrivateKey]) {
        var out = """
        Cloister development chain — TEST-ONLY ACCOUNTS (public keys of the mnemonic \
        "\(DevChain.mnemonic)"; never use them on a real network)

        Available accounts (10,000 ETH each; account 0 seals the blocks)
        ==================

        """
        for (i, k) in keys.enumerated() { out += "(\(i)) \(k.address.checksummed)\n" }
        out += "\nPrivate keys\n==================\n\n"
        for (i, k) in keys.enumerated() { out += "(\(i)) \(Hex.encode(k.rawRepresentation))\n" }
        out += "\nChain id: \(DevChain.chainID)    JSON-RPC: http://\(rpc.httpAddr):\(rpc.httpPort)  ws://\(rpc.httpAddr):\(rpc.httpPort)\n"
        FileHandle.standardOutput.write(Data((out + "\n").utf8))
    }
}

/// `cloister node`: a validator or follower on a real data directory.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node on a data directory: serve JSON-RPC and, with --unlock, seal blocks as an authority."
    )

    @Option(help: "The data directory.")
    var datadir: String

    @Option(help: "A geth-format genesis file to initialise an empty data directory with.")
    var genesis: String?

    @Option(help: "Address of the sealing key to unlock from the keystore.")
    var unlock: String?

    @Option(help: "File holding the keystore password (first line).")
    var password: String?

    @Option(help: "Keystore directory (default: DATADIR/keystore).")
    var keystore: String?

    @OptionGroup var rpc: RPCOptions

    func run() async throws {
        let logger = makeLogger("cloister.node")
        var genesisBytes: [UInt8]?
        if let genesis {
            guard let data = FileManager.default.contents(atPath: genesis) else { throw CLIError("cannot read \(genesis)") }
            genesisBytes = Array(data)
        }
        var key: Secp256k1.PrivateKey?
        if let unlock {
            let address: Address
            do { address = try Address(hex: unlock) } catch { throw CLIError("--unlock: not an address: \(unlock)") }
            guard let password else { throw CLIError("--unlock needs --password FILE") }
            guard let text = readTextFile(password) else { throw CLIError("cannot read \(password)") }
            let pass = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let dir = KeyDirectory(path: keystore ?? (datadir as NSString).appendingPathComponent("keystore"))
            do {
                guard let entry = try dir.find(address) else { throw CLIError("no key for \(address) in \(dir.url.path)") }
                let json = try Data(contentsOf: entry.url)
                key = try Web3SecretStorage.decrypt(json, password: pass)
            } catch let e as CLIError { throw e } catch { throw CLIError("unlocking \(address): \(error)") }
        }
        let config = NodeConfiguration(dataDirectory: datadir, genesis: genesisBytes, sealingKey: key,
                                       rpc: rpc.configuration, rpcLimits: rpc.limits)
        let node: ChainNode
        do { node = try ChainNode(config, logger: logger) } catch { throw CLIError("\(error)") }
        try await node.run()
    }
}
