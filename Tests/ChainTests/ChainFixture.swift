import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import TestSupport

/// A Clique chain in memory: signers and funded accounts are test-key labels.
struct ChainFixture {
    static let chainID: UInt64 = 1337
    static let gwei = UInt256(1_000_000_000)
    static let ether = UInt256(1_000_000_000_000_000_000)

    let store: any KeyValueStore
    let genesis: Genesis
    let chain: Blockchain
    let pool: TransactionPool
    let clique: Clique

    static func genesis(signers: [String], funded: [String], period: UInt64 = 0, epoch: UInt64 = 30_000) -> Genesis {
        let config = ChainConfig(chainID: chainID, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                                 byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                                 berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, cancunTime: 0,
                                 clique: CliqueConfig(period: period, epoch: epoch))
        var alloc: [Address: GenesisAccount] = [:]
        for label in funded { alloc[TestKeys.address(label)] = GenesisAccount(balance: ether &* UInt256(1000)) }
        return Genesis(config: config, timestamp: 0,
                       extraData: CliqueSeal.prepareExtraData(vanity: [], signers: signers.map(TestKeys.address).sorted()),
                       gasLimit: 30_000_000, difficulty: .one, alloc: alloc, baseFeePerGas: gwei)
    }

    init(signers: [String] = ["A"], funded: [String] = ["X", "Y", "Z"], store: (any KeyValueStore)? = nil,
         genesis: Genesis? = nil, clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock) throws {
        let store = store ?? InMemoryStore()
        let genesis = genesis ?? Self.genesis(signers: signers, funded: funded)
        _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: [])
        self.store = store
        self.genesis = genesis
        clique = Clique(config: genesis.config.clique!, snapshotStore: StoredCliqueSnapshots(store: store))
        chain = try Blockchain(store: store, config: genesis.config, engine: clique, clock: clock)
        pool = TransactionPool(chain: chain)
    }

    func builder(_ signer: String) -> BlockBuilder { BlockBuilder(chain: chain, pool: pool, key: TestKeys.key(signer)) }

    /// Seals one block by `signer` on the head with what the pool holds.
    @discardableResult
    func seal(by signer: String = "A") throws -> Block {
        let b = builder(signer)
        let header = try b.prepare(on: chain.head, now: UInt64(Date().timeIntervalSince1970))
        return try b.build(header).block
    }

    /// A signed EIP-1559 transfer.
    static func transfer(from: String, to: Address, value: UInt256, nonce: UInt64, tip: UInt256 = gwei,
                         feeCap: UInt256 = gwei &* UInt256(10), gas: UInt64 = 21_000, chainID: UInt64 = chainID,
                         data: [UInt8] = []) -> SignedTransaction {
        Transaction.dynamicFee(DynamicFeeTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: tip,
                                                     maxFeePerGas: feeCap, gasLimit: gas, to: to, value: value, data: data))
            .signed(with: TestKeys.key(from))
    }

    func balance(_ label: String) throws -> UInt256 { try chain.state.latest().account(TestKeys.address(label))?.balance ?? .zero }
}
