import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import RPC
import TestSupport

/// A one-authority chain behind an RPC handler; requests are JSON text.
struct RPCFixture {
    static let chainID: UInt64 = 1337
    let chain: Blockchain
    let pool: TransactionPool
    let clique: Clique
    let backend: RPCBackend
    let handler: RPCHandler
    let builder: BlockBuilder

    init(limits: RPCLimits = RPCLimits(), unlocked: [Secp256k1.PrivateKey] = [], period: UInt64 = 0,
         status: NodeStatus = NodeStatus(), namespaces: Set<RPCNamespace> = RPCNamespace.devDefault,
         confidential: ConfidentialConfig? = nil) throws {
        var config = ChainConfig(chainID: Self.chainID, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                                 byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                                 berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, cancunTime: 0,
                                 clique: CliqueConfig(period: period, epoch: 30_000))
        config.confidential = confidential
        var alloc: [Address: GenesisAccount] = [:]
        for l in ["X", "Y"] { alloc[TestKeys.address(l)] = GenesisAccount(balance: UInt256(1) << 80) }
        let genesis = Genesis(config: config, extraData: CliqueSeal.prepareExtraData(vanity: [], signers: [TestKeys.address("A")]),
                              gasLimit: 30_000_000, difficulty: .one, alloc: alloc, baseFeePerGas: UInt256(1_000_000_000))
        let store = InMemoryStore()
        _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: [])
        clique = Clique(config: config.clique!, snapshotStore: StoredCliqueSnapshots(store: store))
        chain = try Blockchain(store: store, config: config, engine: clique)
        pool = TransactionPool(chain: chain)
        backend = RPCBackend(chain: chain, pool: pool, clique: clique, limits: limits, clientVersion: "Cloister/test",
                             unlocked: unlocked, status: status)
        handler = backend.handler(namespaces: namespaces)
        builder = BlockBuilder(chain: chain, pool: pool, key: TestKeys.key("A"))
    }

    /// Sends one request; returns the parsed response.
    func call(_ text: String, context: CallContext = CallContext()) async throws -> JSON {
        guard let bytes = await handler.handle(Array(text.utf8), context: context) else { return .null }
        return try JSONParser.parse(bytes)
    }

    /// Calls `method` with JSON `params` text and returns `result`, or throws the error object.
    func result(_ method: String, _ params: String = "[]") async throws -> JSON {
        let r = try await call(#"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#)
        if let e = r["error"] { throw RPCFailure(code: Int(e["code"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? "0") ?? 0,
                                                 message: e["message"]?.stringValue ?? "", data: e["data"]) }
        return r["result"] ?? .null
    }

    @discardableResult
    func seal() throws -> Block {
        let header = try builder.prepare(on: chain.head, now: UInt64(Date().timeIntervalSince1970))
        return try builder.build(header).block
    }

    static func sign(_ tx: Transaction, _ label: String) -> String { Hex.encode(tx.signed(with: TestKeys.key(label)).networkEncoding) }
}

struct RPCFailure: Error, CustomStringConvertible {
    let code: Int
    let message: String
    let data: JSON?
    var description: String { "\(code): \(message)" }
}
