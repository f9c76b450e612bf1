import ArgumentParser
import Foundation
import Logging
import Primitives
import Keystore
import RPC
import P2P
import Node
import Confidential

/// The JSON-RPC flags `dev` and `node` share. Where the two differ in a default
/// (namespaces, CORS, `extraData`), the flag is optional and ``Role`` supplies it.
struct RPCOptions: ParsableArguments {
    /// Which command's defaults apply.
    enum Role { case dev, node }

    @Option(name: .customLong("http-addr"), help: "Address the JSON-RPC server (HTTP and WebSocket) listens on.")
    var httpAddr = "127.0.0.1"

    @Option(name: .customLong("http-port"), help: "Port of the JSON-RPC server (HTTP and WebSocket).")
    var httpPort = 8545

    @Option(name: .customLong("http-api"),
            help: "Namespaces served over HTTP, comma-separated (eth,net,web3,txpool,clique,admin,conf,dev). Default: eth,net,web3 on node; all on dev.")
    var httpAPI: String?

    @Option(name: .customLong("ws-api"), help: "Namespaces served over WebSocket (same names and defaults as --http-api).")
    var wsAPI: String?

    @Option(name: .customLong("http-vhosts"),
            help: "Host names accepted in the Host header, comma-separated; * for any. IP addresses are always accepted.")
    var vhosts = "localhost"

    @Option(name: .customLong("ws-origins"),
            help: "Origins that may open a WebSocket, comma-separated (scheme://host:port, any part optional; * for any). Default: pages on localhost, 127.0.0.1 and [::1].")
    var wsOrigins: String?

    @Option(name: .customLong("http-corsdomain"), parsing: .singleValue,
            help: "Origins browsers may read HTTP answers from (comma-separated or repeated; * for any). Default: none on node; localhost pages on dev.")
    var corsDomains: [String] = []

    @Option(name: .customLong("rpc-gascap"), help: "Most gas eth_call and eth_estimateGas may use (0: no cap).")
    var gasCap: UInt64 = 50_000_000

    @Option(name: .customLong("rpc-evmtimeout"), help: "Time limit of one eth_call or eth_estimateGas, e.g. 5s, 500ms (0: none).")
    var evmTimeout = "5s"

    @Option(name: .customLong("rpc-batch-request-limit"), help: "Requests one JSON-RPC batch may hold.")
    var batchRequestLimit = 1_000

    @Option(name: .customLong("rpc-batch-response-max-size"), help: "Bytes of answers one batch may produce.")
    var batchResponseMaxSize = 25_000_000

    @Option(name: .customLong("rpc-max-connections"), help: "Open JSON-RPC connections (HTTP and WebSocket) at most.")
    var maxConnections = 1_000

    @Option(name: .customLong("rpc-extradata"),
            help: "Blocks' extraData over JSON-RPC: full (vanity, signers and seal, as geth) or vanity (32 bytes, for web3.py without its PoA middleware). Default: full on node, vanity on dev.")
    var extraData: ExtraDataView?

    @Flag(name: .customLong("rpc-full-extradata"), help: "Same as --rpc-extradata full.")
    var fullExtraData = false

    @Flag(name: .customLong("no-status-page"), help: "Do not serve the status page (GET /status and /status.json) on the JSON-RPC port.")
    var noStatusPage = false

    enum ExtraDataView: String, ExpressibleByArgument { case full, vanity }

    func configuration(for role: Role) throws -> RPCServerConfiguration {
        var c = RPCServerConfiguration()
        c.host = httpAddr
        c.port = httpPort
        let fallback = role == .dev ? RPCNamespace.devDefault : RPCNamespace.nodeDefault
        do {
            c.httpNamespaces = try httpAPI.map(RPCNamespace.parseList) ?? fallback
            c.webSocketNamespaces = try wsAPI.map(RPCNamespace.parseList) ?? fallback
        } catch { throw CLIError("--http-api/--ws-api: \(error.message)") }
        let cors = corsDomains.flatMap { Self.list($0) }.map(OriginRule.init(parsing:))
        c.access = AccessPolicy(virtualHosts: Self.list(vhosts),
                                webSocketOrigins: wsOrigins.map { Self.list($0).map(OriginRule.init(parsing:)) } ?? OriginRule.local,
                                corsOrigins: corsDomains.isEmpty && role == .dev ? OriginRule.local : cors)
        guard maxConnections > 0 else { throw CLIError("--rpc-max-connections must be at least 1") }
        c.maxConnections = maxConnections
        c.statusPage = !noStatusPage
        return c
    }

    func limits(for role: Role) throws -> RPCLimits {
        var l = RPCLimits()
        l.gasCap = gasCap
        guard let timeout = Self.duration(evmTimeout) else { throw CLIError("--rpc-evmtimeout: not a duration: \(evmTimeout) (e.g. 5s, 500ms)") }
        l.evmTimeout = timeout
        guard batchRequestLimit > 0, batchResponseMaxSize > 0 else { throw CLIError("batch limits must be positive") }
        l.batchRequestLimit = batchRequestLimit
        l.batchResponseMaxBytes = batchResponseMaxSize
        l.fullExtraData = fullExtraData || (extraData ?? (role == .node ? .full : .vanity)) == .full
        l.workerThreads = max(2, ProcessInfo.processInfo.activeProcessorCount)
        return l
    }

    /// Items of a comma-separated list, trimmed, empty ones dropped.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `5s`, `500ms`, `1m`, or a plain number of seconds; `0` is no limit (a very long one).
    static func duration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v >= 0, v.isFinite else { return nil }
            return v == 0 ? .seconds(365 * 24 * 3600) : .milliseconds(Int64(min(v * scale * 1000, 1e15)))
        }
        guard let v = Double(t), v >= 0, v.isFinite else { return nil }
        return v == 0 ? .seconds(365 * 24 * 3600) : .milliseconds(Int64(min(v * 1000, 1e15)))
    }
}

/// The logging and metrics flags `dev` and `node` share.
struct ObservabilityOptions: ParsableArguments {
    @Option(name: .customLong("log-format"), help: "Log lines on standard error: text, or json (one object per line).")
    var logFormat: LogFormatArgument = .text

    enum LogFormatArgument: String, ExpressibleByArgument { case text, json }

    @Option(help: "Log level: 0 silent … 5 trace (go-ethereum's numbers), or a name: error, warn, info, debug, trace.")
    var verbosity = "3"

    @Flag(help: "Serve Prometheus metrics at http://METRICS-ADDR:METRICS-PORT/metrics (with /health and /ready).")
    var metrics = false

    @Option(name: .customLong("metrics-addr"), help: "Address the metrics endpoint listens on.")
    var metricsAddr = "127.0.0.1"

    @Option(name: .customLong("metrics-port"), help: "Port of the metrics endpoint.")
    var metricsPort = 6060

    @Option(name: .customLong("ready-max-behind"), help: "GET /ready fails while the node is more than this many blocks behind its peers.")
    var readyMaxBehind: UInt64 = 2

    /// Bootstraps logging (and metrics, with --metrics) and returns the command's logger.
    func logger(_ label: String) throws -> Logger {
        guard let level = NodeLogging.level(verbosity) else {
            throw CLIError("--verbosity: expected 0-5 or a level name (error, warn, info, debug, trace), got \(verbosity)")
        }
        return NodeLogging.bootstrap(format: logFormat == .json ? .json : .text, level: level, label: label)
    }

    /// Applies the metrics and readiness settings to `config`.
    func apply(to config: inout NodeConfiguration) throws {
        config.readyMaxBlocksBehind = readyMaxBehind
        guard metrics else { return }
        guard (0...65_535).contains(metricsPort) else { throw CLIError("--metrics-port: not a port: \(metricsPort)") }
        var m = MetricsConfiguration()
        m.host = metricsAddr
        m.port = metricsPort
        config.metrics = m
        _ = NodeMetrics.registry()
    }
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
        fresh temporary directory that is removed on exit. \
        It serves every namespace, eth_sendTransaction with the unlocked test accounts included, \
        so it is for local use only: keep --http-addr on 127.0.0.1. Browser pages from localhost, \
        127.0.0.1 and [::1] (any port) may call it; pages from elsewhere cannot (415 for non-JSON \
        posts, no CORS for their origin, 403 for their WebSocket origin or Host).
        """
    )

    @Option(help: "Keep the chain in this data directory (initialised on first use) instead of a temporary one.")
    var datadir: String?

    @Option(help: "Seconds between blocks (0: seal when transactions are pending).")
    var period: UInt64 = 0

    @Flag(name: .customLong("no-enclave"), help: "Run without the (simulated) confidential module and its enclave process.")
    var noEnclave = false

    @Option(name: .customLong("enclave-bin"), help: "The enclave executable (default: cloister-enclave beside cloister).")
    var enclaveBin: String?

    @OptionGroup var rpc: RPCOptions

    @OptionGroup var observability: ObservabilityOptions

    func run() async throws {
        let logger = try observability.logger("cloister.dev")
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
        var confidential: DevConfidential?
        if !noEnclave {
            do { confidential = try DevConfidential.prepare(directory: dir, enclaveBinary: enclaveBin ?? EnclaveProcess.defaultBinary) } catch {
                throw CLIError("\(error)")
            }
        }
        printAccounts(keys, confidential: confidential)
        var config = NodeConfiguration(dataDirectory: dir,
                                       genesis: DevChain.genesis(accounts: keys.map(\.address), period: period, confidential: confidential),
                                       sealingKey: keys[0], rpc: try rpc.configuration(for: .dev), rpcLimits: try rpc.limits(for: .dev))
        if let confidential {
            config.enclave = EnclaveSettings(source: .launch(binary: confidential.enclaveBinary, platformFile: confidential.platformFile))
        }
        config.unlockedAccounts = keys
        config.role = "dev"
        try observability.apply(to: &config)
        config.pool.globalSlots = 100_000
        config.pool.globalQueue = 20_000
        let node: ChainNode
        do { node = try ChainNode(config, logger: logger) } catch { throw CLIError("\(error)") }
        logger.info("Development chain", metadata: ["datadir": "\(dir)\(temporary ? " (temporary)" : "")", "chainId": "\(DevChain.chainID)"])
        try await node.run()
    }

    func printAccounts(_ keys: [Secp256k1.PrivateKey], confidential: DevConfidential?) {
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
        if let confidential {
            out += """

            Confidential module: SIMULATED TEE — proves the protocol, NOT confidentiality
            ==================
            Enclave measurement (MRENCLAVE): \(confidential.measurement)
            Trust anchor (simulated root):   \(confidential.trustAnchor)
            Enclave executable:              \(confidential.enclaveBinary)

            """
        }
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

    @OptionGroup var observability: ObservabilityOptions

    @Option(help: "authority (seals with --unlock) or observer (no key: verifies, serves reads, relays transactions).")
    var role: NodeRole = .authority

    @Option(help: "TCP port for peers (RLPx).")
    var port = 30303

    @Option(name: .customLong("p2p-addr"), help: "Address to listen for peers on.")
    var p2pAddr = "0.0.0.0"

    @Option(help: "File with the node key (64 hex characters); default DATADIR/nodekey, created 0600 on first start.")
    var nodekey: String?

    @Option(help: "Static peers to keep connected, comma-separated enode URLs (added to DATADIR/static-nodes.json's).")
    var peers: String?

    @Option(name: .customLong("max-peers"), help: "Peers at most (static peers are dialled even when full).")
    var maxPeers = 50

    @Option(name: .customLong("allowed-nodes"),
            help: "JSON list of enode URLs or node ids allowed to connect, instead of the genesis config.network.allowedNodes.")
    var allowedNodes: String?

    @Option(name: .customLong("nat-host"), help: "The host in the enode URL printed for peers to dial.")
    var natHost = "127.0.0.1"

    @Flag(name: .customLong("no-tx-relay"), help: "Observer: refuse transactions over RPC instead of relaying them to peers.")
    var noTxRelay = false

    @Flag(name: .customLong("nodiscover"), help: "Accepted for go-ethereum compatibility; discovery is always off (peers are static).")
    var nodiscover = false

    @Flag(name: .customLong("no-p2p"), help: "Run without the peer-to-peer network (a single node).")
    var noP2P = false

    @Option(name: .customLong("enclave-platform"),
            help: "Start this authority's enclave (cloister-enclave beside cloister) with this machine's platform file.")
    var enclavePlatform: String?

    @Option(name: .customLong("enclave-socket"), help: "Use an enclave already running apart, listening at this Unix socket path.")
    var enclaveSocket: String?

    @Option(name: .customLong("enclave-bin"), help: "The enclave executable to start (default: cloister-enclave beside cloister).")
    var enclaveBin: String?

    @Flag(name: .customLong("enclave-debug"), help: "Start the enclave in debug mode (its quotes carry the DEBUG attribute).")
    var enclaveDebug = false

    enum NodeRole: String, ExpressibleByArgument { case authority, observer }

    func run() async throws {
        let logger = try observability.logger("cloister.node")
        if role == .observer && unlock != nil { throw CLIError("an observer holds no sealing key: drop --unlock or use --role authority") }
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
        var config = NodeConfiguration(dataDirectory: datadir, genesis: genesisBytes, sealingKey: key,
                                       rpc: try rpc.configuration(for: .node), rpcLimits: try rpc.limits(for: .node))
        config.role = role.rawValue
        try observability.apply(to: &config)
        if !noP2P {
            try FileManager.default.createDirectory(atPath: datadir, withIntermediateDirectories: true)
            let nodeKey = try NodeKeyFile.loadOrCreate(at: nodekey ?? (datadir as NSString).appendingPathComponent("nodekey"))
            var p2p = P2PConfiguration(nodeKey: nodeKey, clientID: NodeVersion.peerClientID(role: role.rawValue))
            p2p.host = p2pAddr
            p2p.port = port
            p2p.maxPeers = maxPeers
            var statics = try NetworkSetup.staticNodes(dataDirectory: datadir)
            for text in (peers ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
                do { statics.append(try EnodeURL.parse(text)) } catch { throw CLIError("--peers: \(error)") }
            }
            p2p.staticPeers = statics
            if let allowedNodes {
                guard let data = FileManager.default.contents(atPath: allowedNodes),
                      let list = (try? JSONSerialization.jsonObject(with: data)) as? [String] else {
                    throw CLIError("--allowed-nodes: \(allowedNodes) must hold a JSON list of enode URLs or node ids")
                }
                p2p.allowedNodes = try NetworkSetup.nodeIDs(list, source: allowedNodes)
            }
            p2p.relayTransactions = !noTxRelay
            config.p2p = p2p
            config.advertisedHost = natHost
        }
        switch (enclavePlatform, enclaveSocket) {
        case (let platform?, nil):
            config.enclave = EnclaveSettings(source: .launch(binary: enclaveBin, platformFile: platform), debug: enclaveDebug)
        case (nil, let socket?):
            config.enclave = EnclaveSettings(source: .connect(socketPath: socket))
        case (.some, .some):
            throw CLIError("--enclave-platform starts an enclave, --enclave-socket uses a running one: give one of them")
        case (nil, nil):
            break
        }
        if config.enclave != nil, key == nil { throw CLIError("an enclave serves an authority: it needs --unlock") }
        if noTxRelay {
            config.refusesTransactions = "this observer does not accept transactions (--no-tx-relay): send them to an authority's node"
        }
        let node: ChainNode
        do { node = try ChainNode(config, logger: logger) } catch { throw CLIError("\(error)") }
        try await node.run()
    }
}
