import Foundation
public import Logging
public import Primitives
import ChainTypes
import Storage
import State
import Consensus
public import Chain
public import RPC
public import P2P
import ServiceLifecycle
import Hummingbird

/// What a node runs with.
public struct NodeConfiguration: Sendable {
    /// The data directory (created when missing).
    public var dataDirectory: String
    /// A genesis to initialise an empty data directory with (its JSON bytes).
    public var genesis: [UInt8]?
    /// The authority key that seals blocks; nil for a node that only follows and serves.
    public var sealingKey: Secp256k1.PrivateKey?
    public var rpc: RPCServerConfiguration
    public var rpcLimits: RPCLimits
    public var pool: PoolConfig
    /// Keys `eth_sendTransaction` may sign with (dev chains only).
    public var unlockedAccounts: [Secp256k1.PrivateKey]
    /// The peer-to-peer network; nil for a node that talks to no peer (the dev chain).
    public var p2p: P2PConfiguration?
    /// The host put in the enode URL this node prints (what peers should dial).
    public var advertisedHost = "127.0.0.1"
    /// When set, RPC refuses transactions with this message (`--no-tx-relay`).
    public var refusesTransactions: String?
    /// The enclave this authority runs (chains with `config.confidential`); needs ``sealingKey``.
    public var enclave: EnclaveSettings?
    /// Where `/metrics` is served; nil for no metrics endpoint.
    public var metrics: MetricsConfiguration?
    /// The role the status page shows (`authority`, `observer`, `dev`); by default
    /// `authority` with a sealing key, `observer` without.
    public var role: String?
    /// `/ready` fails while the node is more than this many blocks behind its peers.
    public var readyMaxBlocksBehind: UInt64 = 2

    public init(dataDirectory: String, genesis: [UInt8]? = nil, sealingKey: Secp256k1.PrivateKey? = nil,
                rpc: RPCServerConfiguration = RPCServerConfiguration(), rpcLimits: RPCLimits = RPCLimits(),
                pool: PoolConfig = PoolConfig(), unlockedAccounts: [Secp256k1.PrivateKey] = []) {
        self.dataDirectory = dataDirectory; self.genesis = genesis; self.sealingKey = sealingKey
        self.rpc = rpc; self.rpcLimits = rpcLimits; self.pool = pool; self.unlockedAccounts = unlockedAccounts
    }
}

/// Why a node could not start.
public struct NodeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One node: a data directory's chain, its pool, the JSON-RPC server and, for an
/// authority, the sealing loop — run as one service group that shuts down gracefully
/// on SIGINT/SIGTERM (the server stops accepting, the sealing loop stops between
/// blocks, every write already made is a whole block).
public final class ChainNode: Sendable {
    public let chain: Blockchain
    public let pool: TransactionPool
    public let backend: RPCBackend
    public let configuration: NodeConfiguration
    let store: LMDBStore
    let clique: Clique
    let logger: Logger
    /// The consortium network, when configured.
    public let network: P2PNetwork?
    /// The node's enclave, when configured.
    let enclave: EnclaveAttachment?
    /// What the node does for its enclave (joins, key flows), when it has one.
    let agent: ConfidentialAgent?

    public init(_ configuration: NodeConfiguration, logger: Logger) throws(NodeError) {
        self.configuration = configuration
        self.logger = logger
        do { store = try LMDBStore(path: configuration.dataDirectory) } catch { throw NodeError("\(error)") }
        if let genesisBytes = configuration.genesis {
            let genesis: Genesis
            do { genesis = try Genesis(json: Data(genesisBytes)) } catch { throw NodeError("genesis: \(error)") }
            do {
                switch try GenesisInitializer.initialize(store: store, genesis: genesis, file: genesisBytes) {
                case .initialized(let hash): logger.info("Initialised data directory", metadata: ["genesis": "\(hash)"])
                case .alreadyInitialized: break
                }
            } catch { throw NodeError("\(error)") }
        }
        do { chain = try Blockchain.open(store: store, ownSigner: configuration.sealingKey?.address) } catch {
            throw NodeError("\(error)")
        }
        guard let engine = chain.engine as? Clique else { throw NodeError("the chain's engine is not Clique") }
        clique = engine
        let simulated = chain.config.confidential?.insecureSimulation ?? false
        if let policy = chain.config.confidential {
            if policy.insecureSimulation {
                logger.warning("SIMULATED TEE: this chain accepts simulated enclaves (config.confidential.insecureSimulation). It proves the protocol, NOT confidentiality: each machine's operator can read its enclave's memory and keys.")
            }
            if configuration.enclave == nil, let key = configuration.sealingKey {
                logger.warning("This authority runs no enclave: it cannot execute confidential transactions",
                               metadata: ["address": "\(key.address)"])
            }
        }
        if let settings = configuration.enclave {
            guard let key = configuration.sealingKey else { throw NodeError("an enclave serves an authority: it needs the sealing key (--unlock)") }
            let attached = try EnclaveAttachment.start(settings, chain: chain, store: store, authority: key.address,
                                                       dataDirectory: configuration.dataDirectory, logger: logger)
            var metadata: Logger.Metadata = ["mrEnclave": "\(attached.status.mrEnclave)", "enclaveId": "\(attached.enclaveID)",
                                             "version": "\(attached.status.enclaveVersion)"]
            if attached.status.simulated { metadata["platform"] = "simulated-sgx (SIMULATED: not confidential)" }
            if attached.status.debug { metadata["debug"] = "true" }
            if let failure = attached.selfCheck {
                metadata["check"] = "\(failure)"
                logger.warning("Enclave started, and its quote fails this chain's policy: peers will refuse it", metadata: metadata)
            } else {
                logger.info("Enclave attested (its quote passes the ten checks of this chain's policy)", metadata: metadata)
            }
            enclave = attached
        } else {
            enclave = nil
        }
        pool = TransactionPool(chain: chain, config: configuration.pool)
        if var p2p = configuration.p2p {
            // The genesis allowlist, unless the operator gave one.
            if p2p.allowedNodes == nil, let entries = chain.config.network?.allowedNodes {
                p2p.allowedNodes = try NetworkSetup.nodeIDs(entries, source: "genesis config.network.allowedNodes")
            }
            do { network = try P2PNetwork(configuration: p2p, chain: chain, pool: pool, logger: logger) } catch {
                throw NodeError("network: \(error)")
            }
        } else {
            network = nil
        }
        var status = NodeStatus()
        status.refusesTransactions = configuration.refusesTransactions
        status.role = configuration.role ?? (configuration.sealingKey == nil ? "observer" : "authority")
        status.sealer = configuration.sealingKey?.address
        status.readyMaxBlocksBehind = configuration.readyMaxBlocksBehind
        if let network {
            status.listening = { network.isListening }
            status.peerCount = { network.peerCount }
            status.admin = NetworkSetup.hooks(network, advertisedHost: configuration.advertisedHost)
            status.syncing = {
                let p = network.syncProgress()
                guard p.syncing else { return nil }
                return SyncProgress(startingBlock: p.startingBlock, currentBlock: p.currentBlock, highestBlock: p.highestBlock)
            }
        }
        if let key = configuration.sealingKey, let policy = chain.config.confidential {
            let chain = self.chain, pool = self.pool
            var hooks = ConfidentialHooks(proposePolicy: { vote in try PolicyProposal.submit(vote, chain: chain, pool: pool, key: key) })
            if let enclave {
                let agent = ConfidentialAgent(chain: chain, pool: pool, clique: clique, key: key, enclave: enclave, policy: policy,
                                              logger: logger)
                hooks.txKey = { header in try agent.txKey(at: header) }
                hooks.view = { envelope, header in try agent.view(envelope, at: header) }
                hooks.faults = { from in agent.faults(from: from) }
                status.enclave = { agent.summary() }
                self.agent = agent
            } else {
                self.agent = nil
            }
            status.confidential = hooks
        } else {
            agent = nil
        }
        if let key = configuration.sealingKey {
            let chain = self.chain, clique = self.clique, address = key.address
            status.sealing = {
                let head = chain.head
                let signers = (try? clique.snapshot(number: head.header.number, hash: head.hash, reader: chain.headers))?.signers
                return signers?.contains(address) ?? false
            }
        }
        backend = RPCBackend(chain: chain, pool: pool, clique: clique, limits: configuration.rpcLimits,
                             clientVersion: NodeVersion.clientVersion(simulatedTEE: simulated),
                             unlocked: configuration.unlockedAccounts, status: status)
        if let key = configuration.sealingKey {
            let signers = (try? clique.snapshot(number: chain.head.header.number, hash: chain.head.hash, reader: chain.headers))?.signers ?? []
            if !signers.contains(key.address) {
                logger.warning("The sealing key is not an authority of this chain: it will not seal",
                               metadata: ["address": "\(key.address)"])
            }
        }
    }

    /// The pool's journal in the data directory: pending transactions survive a restart.
    var journalPath: String { (configuration.dataDirectory as NSString).appendingPathComponent("transactions.rlp") }

    /// Runs until SIGINT/SIGTERM (or the task is cancelled).
    public func run() async throws {
        do {
            let (admitted, dropped) = try pool.loadJournal(from: journalPath)
            if admitted + dropped > 0 {
                logger.info("Loaded transaction journal", metadata: ["admitted": "\(admitted)", "dropped": "\(dropped)"])
            }
        } catch {
            logger.warning("Ignoring a damaged transaction journal", metadata: ["path": "\(journalPath)", "error": "\(error)"])
        }
        let head = chain.head
        logger.info("Chain loaded", metadata: ["number": "\(head.header.number)", "hash": "\(head.hash)",
                                               "chainId": "\(chain.config.chainID)"])
        let app = RPCServer.application(backend: backend, configuration: configuration.rpc, logger: logger)
        var services: [any Service] = [app]
        if let metrics = configuration.metrics {
            services.append(MetricsServer.application(node: self, registry: NodeMetrics.registry(), configuration: metrics,
                                                      logger: logger))
            logger.info("Metrics listening", metadata: ["url": "http://\(metrics.host):\(metrics.port)/metrics"])
        }
        BlockLog.follow(chain, clique: clique, own: configuration.sealingKey?.address, logger: logger)
        if let network { services.append(NetworkService(network: network)) }
        if let key = configuration.sealingKey {
            let logger = self.logger
            var builder = BlockBuilder(chain: chain, pool: pool, key: key, lane: agent.map { EnclaveLane(chain: chain, agent: $0) })
            if let agent { builder.vetoParent = { parent in agent.sealingVeto(on: parent) } }
            builder.onLaneFailure = { why in logger.error("Confidential execution failed; sealing without 0x40 transactions", metadata: ["reason": "\(why)"]) }
            let producer = BlockProducer(builder: builder, onSealed: { block in
                BlockLog.sealed(block, signer: key.address, logger: logger)
            }, onError: { error in
                logger.error("Sealing failed", metadata: ["error": "\(error)"])
            })
            services.append(ProducerService(producer: producer))
            agent?.requestBlocks.withLock { $0 = { count in producer.requestBlocks(count) } }
            logger.info("Sealing as authority", metadata: ["address": "\(key.address)",
                                                           "period": "\(chain.config.clique?.period ?? 0)"])
        }
        let rpc = configuration.rpc
        logger.info("JSON-RPC listening", metadata: [
            "http": "http://\(rpc.host):\(rpc.port)", "ws": "ws://\(rpc.host):\(rpc.port)",
            "status": rpc.statusPage ? "http://\(rpc.host):\(rpc.port)/status" : "off",
            "http-api": "\(rpc.httpNamespaces.sorted().map(\.rawValue).joined(separator: ","))",
            "ws-api": "\(rpc.webSocketNamespaces.sorted().map(\.rawValue).joined(separator: ","))",
            "vhosts": "\(rpc.access.virtualHosts.joined(separator: ","))",
        ])
        agent?.start()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        do {
            let saved = try pool.saveJournal(to: journalPath)
            if saved > 0 { logger.info("Saved transaction journal", metadata: ["transactions": "\(saved)"]) }
        } catch {
            logger.error("Could not save the transaction journal", metadata: ["error": "\(error)"])
        }
        enclave?.stop()
        logger.info("Stopped", metadata: ["head": "\(chain.head.header.number)"])
    }
}

/// The sealing loop as a service: stops between blocks on graceful shutdown.
struct ProducerService: Service {
    let producer: BlockProducer
    func run() async throws {
        await cancelWhenGracefulShutdown { await producer.run() }
    }
}

/// The version string nodes report (`web3_clientVersion`).
public enum NodeVersion {
    public static let string = "0.1.0-dev"

    /// go-ethereum's layout, `Name/vVERSION/OS-ARCH/LANGUAGE`, with the platform this
    /// binary was built for (e.g. `Cloister/v0.1.0-dev/linux-amd64/swift6.3`).
    public static var clientVersion: String { "Cloister/v\(string)/\(os)-\(arch)/\(language)" }

    /// The devp2p Hello client id: ``clientVersion`` with the node's role in go-ethereum's
    /// identity slot (`Cloister/authority/v0.1.0-dev/linux-amd64/swift6.3`), so peers' status
    /// pages can tell authorities from observers (a peer's word, shown as such).
    public static func peerClientID(role: String) -> String {
        "Cloister/\(role)/v\(string)/\(os)-\(arch)/\(language)"
    }

    /// ``clientVersion``, flagged on a chain that accepts simulated enclaves.
    public static func clientVersion(simulatedTEE: Bool) -> String {
        simulatedTEE ? clientVersion + " (SIMULATED TEE: proves the protocol, not confidentiality)" : clientVersion
    }

    static var os: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "darwin"
        #elseif os(Windows)
        "windows"
        #else
        "unknown"
        #endif
    }

    /// Architecture names as Go spells them (what operators compare across clients).
    static var arch: String {
        #if arch(x86_64)
        "amd64"
        #elseif arch(arm64)
        "arm64"
        #elseif arch(i386)
        "386"
        #else
        "unknown"
        #endif
    }

    static var language: String {
        #if compiler(>=6.3)
        "swift6.3"
        #elseif compiler(>=6.2)
        "swift6.2"
        #elseif compiler(>=6.1)
        "swift6.1"
        #else
        "swift6"
        #endif
    }
}
