public import Primitives
import ChainTypes
public import Chain
public import Consensus

/// Limits of the JSON-RPC API.
public struct RPCLimits: Sendable {
    /// Most gas an `eth_call` or `eth_estimateGas` may use (go-ethereum's `--rpc.gascap`).
    public var gasCap: UInt64 = 50_000_000
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

/// The node-side state the methods answer from: the chain, the pool, the Clique engine
/// (for `clique_*`), filters and subscriptions. Build the dispatcher with ``handler()``.
public final class RPCBackend: Sendable {
    public let chain: Blockchain
    public let pool: TransactionPool
    public let clique: Clique?
    public let limits: RPCLimits
    public let clientVersion: String
    /// Keys `eth_sendTransaction` signs with (the dev chain's test accounts); empty on real nodes.
    let unlocked: [Secp256k1.PrivateKey]
    let filters: FilterRegistry
    let subscriptions: SubscriptionHub

    public init(chain: Blockchain, pool: TransactionPool, clique: Clique?, limits: RPCLimits = RPCLimits(),
                clientVersion: String, unlocked: [Secp256k1.PrivateKey] = []) {
        self.chain = chain; self.pool = pool; self.clique = clique; self.limits = limits
        self.clientVersion = clientVersion
        self.unlocked = unlocked
        filters = FilterRegistry()
        subscriptions = SubscriptionHub()
        let filters = self.filters, subscriptions = self.subscriptions
        let fullExtraData = limits.fullExtraData
        chain.onHeadChange { [weak chain] result in
            guard let chain else { return }
            filters.headChanged(result, chain: chain)
            subscriptions.headChanged(result, chain: chain, fullExtraData: fullExtraData)
        }
        pool.onNewTransactions { txs in
            let hashes = txs.map(\.hash)
            filters.pendingTransactions(hashes)
            subscriptions.pendingTransactions(hashes)
        }
    }

    /// The dispatcher over every method.
    public func handler() -> RPCHandler {
        var m: [String: MethodHandler] = [:]
        registerWeb3(&m)
        registerState(&m)
        registerBlocks(&m)
        registerTransactions(&m)
        registerLogs(&m)
        registerClique(&m)
        registerDevAccounts(&m)
        // Methods without parameters refuse any (go-ethereum: "too many arguments, want at most 0").
        for name in Self.parameterless {
            guard let body = m[name] else { continue }
            m[name] = { p, context in
                try p.atMost(0)
                return try await body(p, context)
            }
        }
        return RPCHandler(methods: m)
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
