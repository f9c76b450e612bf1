// State benchmarks behind `make bench` (tools/bench/run.sh runs each mode in its
// own process so peak memory is per workload). Prints one JSON object per run:
//   fresh-trie N      build a secure account trie of N funded accounts in memory and commit (root + nodes)
//   fresh-builder N   the same root in one pass from sorted keys (HashBuilder, what a genesis commit uses), nodes kept
//   fresh-state N DIR commit N funded accounts as genesis into a new LMDB data dir (tries, flat tables, nodes)
//   updates K DIR     K random account updates on the state in DIR, then the new root (nothing written)
//   reads K DIR       K random account reads from the flat table of DIR
import Foundation
import Primitives
import Storage
import Trie
import ChainTypes
import State

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// The i-th benchmark account: address = last 20 bytes of keccak(i as 8 big-endian bytes).
func benchAddress(_ i: Int) -> Address {
    let digest = Keccak256.hash((0..<8).map { UInt8(truncatingIfNeeded: UInt64(i) >> (56 - 8 * $0)) })
    return Address(digest.bytes.suffix(20))!
}

func benchAccount(_ i: Int) -> Account {
    Account(nonce: UInt64(i % 5), balance: UInt256(UInt64(i + 1)) &* UInt256(1_000_000_000))
}

func report(_ fields: [String: Any]) {
    let data = must("json") { try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) }
    print(String(decoding: data, as: UTF8.self))
}

/// Runs `body`, or reports its error and exits: the data directory comes from the command line.
func must<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch { fail("\(what): \(error)") }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments
guard args.count >= 3, let count = Int(args[2]), count > 0 else {
    fail("usage: StateBenchmarks fresh-trie N | fresh-builder N | fresh-state N DIR | updates K DIR | reads K DIR")
}

switch args[1] {
case "fresh-trie":
    let accounts = (0..<count).map { (benchAddress($0), benchAccount($0)) }
    let t0 = now()
    let trie = SecureTrie()
    for (address, account) in accounts { must("trie update") { try trie.update(address.bytes, account.rlpEncoded) } }
    let committed = trie.commit()
    let t1 = now()
    report(["mode": "fresh-trie", "accounts": count, "seconds": t1 - t0, "root": committed.root.description,
            "nodes": committed.nodes.count, "peakRSS": peakRSSBytes()])

case "fresh-builder":
    let accounts = (0..<count).map { (benchAddress($0), benchAccount($0)) }
    let t0 = now()
    var builder = HashBuilder()
    for (address, account) in accounts { builder.add(key: Keccak256.hash(address.bytes).bytes, value: account.rlpEncoded) }
    var nodes = 0
    let root = builder.root { _, _ in nodes += 1 }
    let t1 = now()
    report(["mode": "fresh-builder", "accounts": count, "seconds": t1 - t0, "root": root.description,
            "nodes": nodes, "peakRSS": peakRSSBytes()])

case "fresh-state":
    guard args.count >= 4 else { fail("fresh-state needs a data dir") }
    var alloc: [Address: GenesisAccount] = [:]
    alloc.reserveCapacity(count)
    for i in 0..<count {
        let a = benchAccount(i)
        alloc[benchAddress(i)] = GenesisAccount(balance: a.balance, nonce: a.nonce)
    }
    let changes = StateChanges(genesis: Genesis(config: ChainConfig(chainID: 1), alloc: alloc))
    let store = must(args[3]) { try LMDBStore(path: args[3]) }
    let t0 = now()
    let root = must("commit") { try StateStore(store: store).commit(changes, block: 0) }
    let t1 = now()
    report(["mode": "fresh-state", "accounts": count, "seconds": t1 - t0, "root": root.description, "peakRSS": peakRSSBytes()])

case "updates":
    guard args.count >= 4 else { fail("updates needs a data dir") }
    let states = StateStore(store: must(args[3]) { try LMDBStore(path: args[3]) })
    guard let head = must("head", { try states.head() }) else { fail("no state in \(args[3])") }
    var rng = SystemRandomNumberGenerator()
    let population = 1_000_000
    /// One round: `count` random balance changes through a StateDB, then the new root.
    func round() -> (seconds: Double, root: Hash32) {
        let picks = (0..<count).map { _ in benchAddress(Int.random(in: 0..<population, using: &rng)) }
        let t0 = now()
        let db = StateDB(base: must("state") { try states.latest() })
        for address in picks { must("update") { try db.addBalance(address, 1) } }
        let root = must("root") { try states.computeRoot(db.changes()) }
        return (now() - t0, root)
    }
    // The first round pays for first touches of the memory-mapped file (cold);
    // later rounds show a running node, whose upper trie levels are in the page cache (warm).
    let cold = round()
    let warm = (0..<5).map { _ in round() }.min { $0.seconds < $1.seconds }!
    report(["mode": "updates", "updates": count, "coldSeconds": cold.seconds, "seconds": warm.seconds,
            "oldRoot": head.root.description, "newRoot": warm.root.description, "peakRSS": peakRSSBytes()])

case "reads":
    guard args.count >= 4 else { fail("reads needs a data dir") }
    let states = StateStore(store: must(args[3]) { try LMDBStore(path: args[3]) })
    let reader = must("state") { try states.latest() }
    var rng = SystemRandomNumberGenerator()
    let population = 1_000_000
    let picks = (0..<count).map { _ in benchAddress(Int.random(in: 0..<population, using: &rng)) }
    var found = 0
    let t0 = now()
    for address in picks where must("read", { try reader.account(address) }) != nil { found += 1 }
    let t1 = now()
    report(["mode": "reads", "reads": count, "found": found, "seconds": t1 - t0, "readsPerSecond": Double(count) / (t1 - t0)])

default:
    fail("unknown mode \(args[1])")
}
