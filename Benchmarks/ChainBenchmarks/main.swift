// Chain benchmarks behind `make bench` (tools/bench/chain.sh drives them):
//   generate KIND BLOCKS DIR [SIGNERS [TXS]]
//                              write DIR/genesis.json and seal BLOCKS blocks into the data dir DIR/data
//                              (KIND: transfer = plain ETH transfers, erc20 = ERC-20 `transfer` calls), by
//                              SIGNERS authorities in turn (default 1), each block full or holding TXS transactions;
//                              `cloister export` then `cloister import` into a fresh dir is what is timed, and
//                              tools/bench/sync.py times an observer's network sync of the same blocks.
//   produce TXS DIR            a single authority with period 1 and a 150M gas limit: TXS pre-signed transfers
//                              are offered through the pool, the sealing loop mines them; prints the rates.
// Keys here are benchmark fixtures derived from public seeds ("cloister-bench-…"): never fund them anywhere real.
import Foundation
import Dispatch
import Primitives
import Storage
import ChainTypes
import State
import Consensus
import Chain

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func must<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch { fail("\(what): \(error)") }
}

func report(_ fields: [String: Any]) {
    let data = must("json") { try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) }
    print(String(decoding: data, as: UTF8.self))
}

/// A benchmark key from a public seed.
func benchKey(_ label: String) -> Secp256k1.PrivateKey {
    must("key") { try Secp256k1.PrivateKey(rawRepresentation: Keccak256.hash(Array("cloister-bench-\(label)".utf8)).bytes) }
}

let chainID: UInt64 = 4343
let senderCount = 256
let senders = (0..<senderCount).map { benchKey("sender-\($0)") }
let signerKey = benchKey("signer")
/// The authorities of a generated chain: `signerKey` alone, or it and more, sorted by address (Clique's turn order).
func signerKeys(_ count: Int) -> [Secp256k1.PrivateKey] {
    ([signerKey] + (1..<max(count, 1)).map { benchKey("signer-\($0)") }).sorted { $0.address.bytes.lexicographicallyPrecedes($1.address.bytes) }
}
let token = Address(Array(repeating: 0xcc, count: 20))!
let tokenBalance = UInt256(1) << 200
/// Full blocks raise the EIP-1559 base fee by 1/8 each: over 1,000 full blocks it grows by ~2^170, so the
/// fee cap is 2^210 wei (and sender balances 2^240) to keep every block full. Only a benchmark would do this.
let feeCap = UInt256(1) << 210

func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
func qty(_ v: UInt256) -> String { v.hexQuantity }

/// The Vyper ERC-20's runtime code and storage layout (Benchmarks/contracts/erc20.json).
func erc20Runtime() -> (code: String, storage: [String: String]) {
    let url = URL(fileURLWithPath: "Benchmarks/contracts/erc20.json")
    guard let json = try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
          let test = json["erc20"] as? [String: Any], let pre = test["pre"] as? [String: Any],
          let account = pre["0xcccccccccccccccccccccccccccccccccccccccc"] as? [String: Any],
          let code = account["code"] as? String, let storage = account["storage"] as? [String: String] else {
        fail("cannot read Benchmarks/contracts/erc20.json (run from the package root)")
    }
    // balanceOf is the HashMap at slot 7: element slot = keccak(slot ‖ key). Check against the fixture's sender.
    let fixtureSender = must("hex") { try Address(hex: "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b") }
    guard storage.keys.contains(balanceSlot(fixtureSender).description) else { fail("erc20 storage layout changed") }
    var s = storage.filter { $0.key.count <= 4 }   // name, symbol, decimals, totalSupply
    for k in senders { s[balanceSlot(k.address).description] = qty(tokenBalance) }
    return (code, s)
}

func balanceSlot(_ a: Address) -> Hash32 {
    Keccak256.hash(UInt256(7).bigEndianBytes + [UInt8](repeating: 0, count: 12) + a.bytes)
}

func writeGenesis(_ dir: URL, gasLimit: UInt64, period: UInt64, erc20: Bool, signers: [Address] = [signerKey.address]) -> [UInt8] {
    var alloc: [String: Any] = [:]
    for k in senders { alloc[k.address.description] = ["balance": qty(UInt256(1) << 240)] }
    if erc20 {
        let (code, storage) = erc20Runtime()
        alloc[token.description] = ["balance": "0x0", "code": code, "storage": storage]
    }
    let genesis: [String: Any] = [
        "config": ["chainId": chainID, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
                   "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
                   "berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0,
                   "clique": ["period": period, "epoch": 30000]],
        "nonce": "0x0", "timestamp": "0x0",
        "extraData": hex(CliqueSeal.prepareExtraData(vanity: [], signers: signers)),
        "gasLimit": qty(UInt256(gasLimit)), "difficulty": "0x1", "baseFeePerGas": "0x3b9aca00",
        "alloc": alloc,
    ]
    let data = must("genesis") { try JSONSerialization.data(withJSONObject: genesis, options: [.sortedKeys, .prettyPrinted]) }
    must("write genesis") { try data.write(to: dir.appendingPathComponent("genesis.json")) }
    return Array(data)
}

func openChain(_ dir: URL, genesis bytes: [UInt8]) -> (LMDBStore, Blockchain) {
    let store = must("open") { try LMDBStore(path: dir.appendingPathComponent("data").path) }
    let genesis = must("genesis") { try Genesis(json: Data(bytes)) }
    _ = must("init") { try GenesisInitializer.initialize(store: store, genesis: genesis, file: bytes) }
    return (store, must("chain") { try Blockchain.open(store: store) })
}

/// Signs `count` transactions in parallel: `make(i)` gives transaction i and its key.
func signAll(_ count: Int, _ make: @Sendable (Int) -> (Transaction, Secp256k1.PrivateKey)) -> [SignedTransaction] {
    final class Slots: @unchecked Sendable {
        var txs: [SignedTransaction?]
        init(_ n: Int) { txs = Array(repeating: nil, count: n) }
    }
    let slots = Slots(count)
    let workers = ProcessInfo.processInfo.activeProcessorCount
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var local: [(Int, SignedTransaction)] = []
        var i = w
        while i < count { let (tx, key) = make(i); local.append((i, tx.signed(with: key))); i += workers }
        lock.withLock { for (i, tx) in local { slots.txs[i] = tx } }
    }
    return slots.txs.map { $0! }
}

func transfer(sender: Int, nonce: UInt64, to: Address) -> (Transaction, Secp256k1.PrivateKey) {
    (.dynamicFee(DynamicFeeTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                       maxFeePerGas: feeCap, gasLimit: 21_000, to: to, value: UInt256(1))),
     senders[sender])
}

func tokenTransfer(sender: Int, nonce: UInt64, to: Address) -> (Transaction, Secp256k1.PrivateKey) {
    let data = [0xa9, 0x05, 0x9c, 0xbb] + [UInt8](repeating: 0, count: 12) + to.bytes + UInt256(1).bigEndianBytes
    return (.dynamicFee(DynamicFeeTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                              maxFeePerGas: feeCap, gasLimit: 90_000, to: token,
                                              value: .zero, data: data)),
            senders[sender])
}

/// Recipient i of 20,000: a mix of new and repeated accounts.
func recipient(_ i: Int) -> Address {
    Address(Keccak256.hash((0..<8).map { UInt8(truncatingIfNeeded: UInt64(i % 20_000) >> (56 - 8 * $0)) }).bytes.suffix(20))!
}

func generate(kind: String, blocks: Int, dir: URL, signerCount: Int = 1, txsPerBlock: Int? = nil) {
    let erc20 = kind == "erc20"
    guard erc20 || kind == "transfer" else { fail("kind must be transfer or erc20") }
    let gasLimit: UInt64 = 30_000_000
    let keys = signerKeys(signerCount)
    let bytes = writeGenesis(dir, gasLimit: gasLimit, period: 0, erc20: erc20, signers: keys.map(\.address))
    let (_, chain) = openChain(dir, genesis: bytes)
    var config = PoolConfig()
    config.globalSlots = 1 << 20
    config.accountQueue = 1 << 20
    config.globalQueue = 1 << 20
    let pool = TransactionPool(chain: chain, config: config)
    let builders = keys.map { BlockBuilder(chain: chain, pool: pool, key: $0, targetGasLimit: gasLimit) }
    let perBlock = txsPerBlock ?? Int(gasLimit / (erc20 ? 30_000 : 21_000))
    var nonces = [UInt64](repeating: 0, count: senderCount)
    var next = 0
    var txCount = 0
    var gas: UInt64 = 0
    var failed = 0
    let start = now()
    for _ in 0..<blocks {
        // Keep a block's worth and more pending (exactly a block's worth when TXS is given).
        let want = max(0, (txsPerBlock == nil ? perBlock * 2 : perBlock) - pool.status.pending)
        var plan: [(Int, UInt64, Address)] = []
        for _ in 0..<want {
            let s = next % senderCount
            plan.append((s, nonces[s], recipient(next)))
            nonces[s] += 1; next += 1
        }
        let frozen = plan
        let txs = signAll(frozen.count) { i in
            let (s, n, to) = frozen[i]
            return erc20 ? tokenTransfer(sender: s, nonce: n, to: to) : transfer(sender: s, nonce: n, to: to)
        }
        for r in pool.add(txs) { if case .failure(let e) = r { fail("pool: \(e)") } }
        // Each block by the authority in turn (Clique: number mod signer count, in address order).
        let builder = builders[Int((chain.head.header.number + 1) % UInt64(builders.count))]
        let header = must("prepare") { try builder.prepare(on: chain.head, now: UInt64(Date().timeIntervalSince1970)) }
        let (block, _) = must("build") { try builder.build(header) }
        txCount += block.transactions.count
        gas += block.header.gasUsed
        failed += chain.receipts(hash: block.hash)?.filter { !$0.succeeded }.count ?? 0
    }
    if failed > 0 { fail("\(failed) transactions failed: the workload is wrong") }
    report(["mode": "generate", "kind": kind, "blocks": blocks, "signers": keys.count, "transactions": txCount, "gas": gas,
            "seconds": now() - start, "head": chain.head.hash.description])
}

func produce(count: Int, dir: URL) async {
    let gasLimit: UInt64 = 150_000_000
    let bytes = writeGenesis(dir, gasLimit: gasLimit, period: 1, erc20: false)
    let (_, chain) = openChain(dir, genesis: bytes)
    var config = PoolConfig()
    config.globalSlots = 1 << 20
    let pool = TransactionPool(chain: chain, config: config)
    let txs = signAll(count) { i in transfer(sender: i % senderCount, nonce: UInt64(i / senderCount), to: recipient(i)) }
    let builder = BlockBuilder(chain: chain, pool: pool, key: signerKey, targetGasLimit: gasLimit)
    let sealedBlocks = SealLog()
    let producer = BlockProducer(builder: builder, onSealed: { sealedBlocks.add($0) })
    let task = Task { await producer.run() }
    let t0 = now()
    var admitted = 0
    for chunk in stride(from: 0, to: txs.count, by: 1000) {
        for r in pool.add(Array(txs[chunk..<min(chunk + 1000, txs.count)])) { if case .success = r { admitted += 1 } }
    }
    let addSeconds = now() - t0
    while sealedBlocks.transactions < admitted && now() - t0 < 120 { try? await Task.sleep(for: .milliseconds(10)) }
    let t1 = now()
    task.cancel()
    report(["mode": "produce", "offered": count, "admitted": admitted, "pool_add_per_s": Double(admitted) / addSeconds,
            "mined": sealedBlocks.transactions, "blocks": sealedBlocks.blocks, "seconds": t1 - t0,
            "mined_per_s": Double(sealedBlocks.transactions) / (t1 - t0),
            "max_block_txs": sealedBlocks.maxBlock])
}

final class SealLog: @unchecked Sendable {
    private let lock = NSLock()
    private var txs = 0, count = 0, biggest = 0
    func add(_ b: Block) {
        lock.withLock {
            txs += b.transactions.count; count += 1; biggest = max(biggest, b.transactions.count)
        }
    }
    var transactions: Int { lock.withLock { txs } }
    var blocks: Int { lock.withLock { count } }
    var maxBlock: Int { lock.withLock { biggest } }
}

let args = CommandLine.arguments
let usage = "usage: ChainBenchmarks generate KIND BLOCKS DIR [SIGNERS [TXS]] | produce TXS DIR"
guard args.count >= 2 else { fail(usage) }
switch args[1] {
case "generate" where (5...7).contains(args.count):
    generate(kind: args[2], blocks: Int(args[3]) ?? 0, dir: URL(fileURLWithPath: args[4]),
             signerCount: args.count > 5 ? Int(args[5]) ?? 1 : 1, txsPerBlock: args.count > 6 ? Int(args[6]) : nil)
case "produce" where args.count == 4:
    await produce(count: Int(args[2]) ?? 0, dir: URL(fileURLWithPath: args[3]))
default:
    fail(usage)
}
