public import Primitives
import ChainTypes
public import Chain
public import Consensus
import Dispatch

/// Limits of the JSON-RPC API: every request's work is bounded by one of these.
public struct RPCLimits: Sendable {
    /// Most gas an `eth_call` or `eth_estimateGas` may use (go-ethereum's `--rpc.gascap`).
    public var gasCap: UInt64 = 50_000_000
    /// Wall-clock limit of one `eth_call`, or of one whole `eth_estimateGas` search
    /// (go-ethereum's `--rpc.evmtimeout`, 5 s).
    public var evmTimeout: Duration = .seconds(5)
    /// Requests in one batch (go-ethereum's `--rpc.batch-request-limit`).
    public var batchRequestLimit = 1_000
    /// Bytes of one batch's answers; later requests of the batch get "response too large"
    /// (go-ethereum's `--rpc.batch-response-max-size`, 25 MB).
    public var batchResponseMaxBytes = 25_000_000
    /// Installed polling filters, all connections together.
    public var maxFilters = 10_000
    /// Subscriptions per WebSocket connection, and in total.
    public var maxSubscriptionsPerConnection = 128
    public var maxSubscriptions = 10_000
    /// Reward percentiles one `eth_feeHistory` may ask for.
    public var feeHistoryPercentiles = 100
    /// Storage keys one `eth_getProof` may ask for.
    public var proofKeys = 1_024
    /// Threads that run heavy requests (calls, gas estimates, log scans, proofs) off
    /// Swift's cooperative pool, so they queue among themselves and never stall the
    /// sealing loop or cheap requests.
    public var workerThreads = 2

    /// The gas cap as simulations apply it: 0 means none (go-ethereum), and no cap
    /// exceeds what a frame's signed 64-bit gas counter holds.
    var effectiveGasCap: UInt64 { gasCap == 0 ? UInt64(Int64.max) : min(gasCap, UInt64(Int64.max)) }
    /// Widest block range of one `eth_getLogs` query.
    public var logBlockRange: UInt64 = 10_000
    /// Most logs one `eth_getLogs` query returns.
    public var logResults = 10_000
    /// Most blocks `eth_feeHistory` reports.
    public var feeHistoryBlocks: UInt64 = 1024
    /// Whether legacy transactions without an EIP-155 chain id are accepted (go-ethereum refuses them by default).
    public var allowUnprotectedTransactions = false
    /// Whether blocks show their whole `extraData`. Clique's is 97 bytes or more (vanity,
    /// signers, seal), and web3.py refuses blocks whose `extraData` exceeds 32 bytes unless
    /// its proof-of-authority middleware is installed; so by default blocks show the 32-byte
    /// vanity only (`hash` is always the real header hash). Observers that check seals
    /// through JSON-RPC turn this on (`--rpc-full-extradata`).
    public var fullExtraData = false

    public init() {}
}

/// What the node around the RPC server knows of itself: networking, sync and sealing.
/// The defaults describe a node without a peer-to-peer layer and without a sealing key.
public struct NodeStatus: Sendable {
    /// Whether a peer-to-peer listener is accepting connections (`net_listening`).
    public var listening: @Sendable () -> Bool = { false }
    /// Connected peers (`net_peerCount`).
    public var peerCount: @Sendable () -> Int = { 0 }
    /// Sync progress while catching up with peers, nil when in sync (`eth_syncing`).
    public var syncing: @Sendable () -> SyncProgress? = { nil }
    /// Whether this node seals blocks now: it holds a key that is a current signer (`eth_mining`).
    public var sealing: @Sendable () -> Bool = { false }
    /// The peer-to-peer layer's `admin_` methods; nil without a network.
    public var admin: AdminHooks?
    /// The node's part of the `conf_` namespace (policy votes; none by default).
    public var confidential = ConfidentialHooks()
    /// When set, transactions sent over RPC are refused with this message (an observer
    /// under `--no-tx-relay`).
    public var refusesTransactions: String?
    /// The node's role as the status page shows it (`authority`, `observer`, `dev`).
    public var role = "observer"
    /// The sealing key's address, for an authority.
    public var sealer: Address?
    /// The node's own enclave, for an authority that runs one (status page, `/ready`).
    public var enclave: (@Sendable () -> EnclaveSummary)?
    /// `/ready` holds while the node is at most this many blocks behind its peers' head.
    public var readyMaxBlocksBehind: UInt64 = 2

    public init() {}
}

/// What the node knows of its own enclave, for operators (no secret: ids, measurement,
/// which generations it holds).
public struct EnclaveSummary: Sendable, Equatable {
    /// Registered, trusted by the registry, and holding the current key generation (or no
    /// generation exists yet).
    public var trusted: Bool
    /// Why not, when not trusted.
    public var reason: String?
    public var enclaveID: Hash32
    public var measurement: Hash32
    public var simulated: Bool
    /// The key generations the enclave holds.
    public var generations: [UInt32]

    public init(trusted: Bool, reason: String?, enclaveID: Hash32, measurement: Hash32, simulated: Bool, generations: [UInt32]) {
        self.trusted = trusted; self.reason = reason; self.enclaveID = enclaveID; self.measurement = measurement
        self.simulated = simulated; self.generations = generations
    }
}

/// `eth_syncing`'s object.
public struct SyncProgress: Sendable, Equatable {
    public var startingBlock: UInt64
    public var currentBlock: UInt64
    public var highestBlock: UInt64

    public init(startingBlock: UInt64, currentBlock: UInt64, highestBlock: UInt64) {
        self.startingBlock = startingBlock; self.currentBlock = currentBlock; self.highestBlock = highestBlock
    }
}

/// A JSON-RPC namespace, the part of a method name before `_`, chosen per transport
/// with `--http-api` / `--ws-api`. `dev` holds the dev chain's signing methods
/// (`eth_sendTransaction` with unlocked test accounts; `eth_accounts` lists them only
/// where `dev` is served).
public enum RPCNamespace: String, Sendable, CaseIterable, Comparable {
    case eth, net, web3, txpool, clique, admin, conf, dev

    /// `cloister node`'s default, as go-ethereum's.
    public static let nodeDefault: Set<RPCNamespace> = [.eth, .net, .web3]
    /// `cloister dev`'s: everything (a local development chain).
    public static let devDefault: Set<RPCNamespace> = Set(allCases)

    /// Methods whose namespace is not their prefix.
    static let exceptions: [String: RPCNamespace] = ["eth_sendTransaction": .dev]

    /// The namespace a method belongs to; nil for an unknown prefix.
    static func of(_ method: String) -> RPCNamespace? {
        if let n = exceptions[method] { return n }
        guard let underscore = method.firstIndex(of: "_") else { return nil }
        return RPCNamespace(rawValue: String(method[..<underscore]))
    }

    /// Parses a comma-separated list (`eth,net,web3`); throws naming an unknown entry.
    public static func parseList(_ text: String) throws(RPCError) -> Set<RPCNamespace> {
        var out: Set<RPCNamespace> = []
        for part in text.split(separator: ",") {
            let name = String(part).trimmingSpaces.lowercased()
            if name.isEmpty { continue }
            guard let n = RPCNamespace(rawValue: name) else {
                throw RPCError.invalidParams("unknown API namespace \"\(name)\" (known: \(allCases.map(\.rawValue).joined(separator: ",")))")
            }
            out.insert(n)
        }
        return out
    }

    public static func < (a: RPCNamespace, b: RPCNamespace) -> Bool { a.rawValue < b.rawValue }
}

/// The node-side state the methods answer from: the chain, the pool, the Clique engine
/// (for `clique_*`), filters and subscriptions. Build the dispatcher with ``handler()``.
public final class RPCBackend: Sendable {
    public let chain: Blockchain
    public let pool: TransactionPool
    public let clique: Clique?
    public let limits: RPCLimits
    public let clientVersion: String
    public let status: NodeStatus
    /// Keys `eth_sendTransaction` signs with (the dev chain's test accounts); empty on real nodes.
    let unlocked: [Secp256k1.PrivateKey]
    let filters: FilterRegistry
    let subscriptions: SubscriptionHub
    let workers: WorkerPool
    /// Head changes reach filters and subscriptions through this queue, in order, so the
    /// importing or sealing thread never waits for log matching.
    private let headEvents = DispatchQueue(label: "cloister.rpc.head-events")

    public init(chain: Blockchain, pool: TransactionPool, clique: Clique?, limits: RPCLimits = RPCLimits(),
                clientVersion: String, unlocked: [Secp256k1.PrivateKey] = [], status: NodeStatus = NodeStatus()) {
        self.chain = chain; self.pool = pool; self.clique = clique; self.limits = limits
        self.clientVersion = clientVersion
        self.unlocked = unlocked
        self.status = status
        filters = FilterRegistry(limit: limits.maxFilters)
        subscriptions = SubscriptionHub(perConnection: limits.maxSubscriptionsPerConnection, total: limits.maxSubscriptions)
        workers = WorkerPool(threads: limits.workerThreads)
        let filters = self.filters, subscriptions = self.subscriptions
        let fullExtraData = limits.fullExtraData
        let headEvents = self.headEvents
        chain.onHeadChange { [weak chain] result in
            headEvents.async { [weak chain] in
                guard let chain else { return }
                filters.headChanged(result, chain: chain)
                subscriptions.headChanged(result, chain: chain, fullExtraData: fullExtraData)
            }
        }
        pool.onNewTransactions { txs in
            filters.pendingTransactions(txs.map(\.hash))
            subscriptions.pendingTransactions(txs)
        }
    }

    /// Waits until every head change announced so far has reached filters and
    /// subscriptions (tests; a node never needs to).
    public func drainHeadEvents() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in headEvents.async { c.resume() } }
    }

    /// Runs `body` on the worker threads (heavy, synchronous work).
    func offload(_ body: @escaping @Sendable () throws(RPCError) -> JSON) async throws(RPCError) -> JSON {
        try await workers.run(body)
    }

    /// The dispatcher over the methods of `namespaces`.
    public func handler(namespaces: Set<RPCNamespace> = RPCNamespace.devDefault) -> RPCHandler {
        var m: [String: MethodHandler] = [:]
        registerWeb3(&m)
        registerState(&m)
        registerBlocks(&m)
        registerTransactions(&m)
        registerLogs(&m)
        registerClique(&m)
        registerDevAccounts(&m)
        registerAdmin(&m)
        registerConfidential(&m)
        // Methods without parameters refuse any (go-ethereum: "too many arguments, want at most 0").
        for name in Self.parameterless {
            guard let body = m[name] else { continue }
            m[name] = { p, context in
                try p.atMost(0)
                return try await body(p, context)
            }
        }
        m = m.filter { name, _ in RPCNamespace.of(name).map(namespaces.contains) ?? false }
        // Without `dev`, no account is unlocked on this transport (go-ethereum answers `[]`).
        if !namespaces.contains(.dev), m["eth_accounts"] != nil { m["eth_accounts"] = { _, _ in .array([]) } }
        return RPCHandler(methods: m, batchRequestLimit: limits.batchRequestLimit,
                          batchResponseMaxBytes: limits.batchResponseMaxBytes)
    }

    static let parameterless = [
        "web3_clientVersion", "net_version", "net_listening", "net_peerCount", "eth_chainId", "eth_syncing", "eth_mining",
        "eth_hashrate", "eth_accounts", "eth_protocolVersion", "eth_blockNumber", "eth_gasPrice", "eth_maxPriorityFeePerGas",
        "eth_newBlockFilter", "eth_newPendingTransactionFilter", "txpool_status", "txpool_content", "txpool_inspect",
        "clique_proposals", "clique_status",
    ]

    /// Ends a WebSocket connection's subscriptions.
    public func connectionClosed(_ connection: UInt64) { subscriptions.removeAll(connection: connection) }

    // MARK: Block resolution

    /// The header a selector names (tags map to the head: this chain has no finality
    /// gadget, and pending state is the head's plus the pool's nonces).
    func header(_ selector: BlockSelector) throws(RPCError) -> SealedHeader {
        switch selector {
        case .latest, .pending, .safe, .finalized: return chain.head
        case .earliest:
            guard let g = chain.canonicalHeader(0) else { throw RPCError.server("header not found") }
            return g
        case .number(let n):
            guard let h = chain.canonicalHeader(n) else { throw RPCError.server("header not found") }
            return h
        case .hash(let hash, let requireCanonical):
            guard let h = chain.header(hash: hash) else { throw RPCError.server("header for hash not found") }
            if requireCanonical && chain.canonicalHeader(h.header.number)?.hash != hash {
                throw RPCError.server("hash is not currently canonical")
            }
            return h
        }
    }

    /// Like ``header(_:)`` but nil for an unknown number or hash (block getters return null).
    func headerIfKnown(_ selector: BlockSelector) -> SealedHeader? { try? header(selector) }
}
