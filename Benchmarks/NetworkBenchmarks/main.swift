// What one hostile peer can make a node hold (`make bench`, issue 11's per-peer memory bound).
//
//   NetworkBenchmarks memory
//
// A node (in-memory chain of 1,100 blocks, listening on loopback) and, in the same process,
// one admitted peer scripted with TestSupport's HostilePeer, which in turn:
//   1. announces 10^6 transaction hashes (245 NewPooledTransactionHashes of 4,096) and answers
//      none of the node's requests;
//   2. announces 10^6 block hashes (245 NewBlockHashes of 4,096) and answers nothing;
//   3. asks for 10^6 headers (977 GetBlockHeaders of 1,024) while not reading its socket.
// After each step the process's resident memory (VmRSS, /proc/self/status) is printed next
// to the figure before it, with the peak (VmHWM), as one JSON line per step.
import Foundation
import Logging
import Primitives
import Storage
import ChainTypes
import State
import Consensus
import Chain
import P2P
import TestSupport

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`).
func memory(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
          let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kb * 1024
}

func report(_ fields: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { fail("json") }
    FileHandle.standardOutput.write(data + Data("\n".utf8))

}

func key(_ label: String) -> Secp256k1.PrivateKey {
    guard let k = try? Secp256k1.PrivateKey(rawRepresentation: Keccak256.hash(Array("cloister-bench-\(label)".utf8)).bytes) else {
        fail("key")
    }
    return k
}

func hash(_ n: UInt64) -> Hash32 { Keccak256.hash((0..<8).map { UInt8(truncatingIfNeeded: n >> (56 - 8 * $0)) }) }

func memoryBenchmark() async throws {
    let signer = key("signer")
    let config = ChainConfig(chainID: 4343, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                             byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                             berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, cancunTime: 0,
                             clique: CliqueConfig(period: 0, epoch: 30_000))
    let genesis = Genesis(config: config, extraData: CliqueSeal.prepareExtraData(vanity: [], signers: [signer.address]),
                          gasLimit: 30_000_000, difficulty: .one, alloc: [:], baseFeePerGas: UInt256(1_000_000_000))
    let store = InMemoryStore()
    _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: [])
    let clique = Clique(config: CliqueConfig(period: 0, epoch: 30_000), snapshotStore: StoredCliqueSnapshots(store: store))
    let chain = try Blockchain(store: store, config: config, engine: clique)
    let pool = TransactionPool(chain: chain)
    let builder = BlockBuilder(chain: chain, pool: pool, key: signer)
    for i in 0..<1_100 { _ = try builder.build(try builder.prepare(on: chain.head, now: 1_700_000_000 + UInt64(i))) }

    let nodeKey = key("node")
    var p2p = P2PConfiguration(nodeKey: nodeKey, clientID: "Cloister/bench")
    p2p.host = "127.0.0.1"
    p2p.port = 0
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let network = try P2PNetwork(configuration: p2p, chain: chain, pool: pool, logger: logger)
    let task = Task { try await network.run() }
    defer { task.cancel() }
    while !network.isListening { try await Task.sleep(for: .milliseconds(20)) }
    guard let port = network.listeningPort else { fail("no port") }

    let idle = memory("VmRSS")
    report(["mode": "peer-memory", "step": "node idle (1,100 blocks)", "rss": idle, "peak": memory("VmHWM")])

    let peer = try await HostilePeer(port: port, remote: nodeKey.publicKey)
    try await peer.join()
    var counter: UInt64 = 0
    func step(_ name: String, _ body: () async throws -> Void) async throws {
        let before = memory("VmRSS")
        let start = ContinuousClock.now
        try await body()
        try await Task.sleep(for: .seconds(2))  // let the node finish what the step queued
        let after = memory("VmRSS")
        report(["mode": "peer-memory", "step": name, "rss_before": before, "rss": after, "growth": after - before,
                "peak": memory("VmHWM"), "seconds": (ContinuousClock.now - start).components.seconds,
                "peer_connected": network.peerCount == 1])
    }
    try await step("10^6 transaction hashes announced, none served") {
        for _ in 0..<245 {
            let batch = (0..<Eth.maximumAnnouncements).map { _ -> Eth.NewPooledTransactionHashes.Announcement in
                counter += 1
                return .init(type: 2, size: 120, hash: hash(counter))
            }
            try await peer.send(.newPooledTransactionHashes(Eth.NewPooledTransactionHashes(batch)))
        }
    }
    try await step("10^6 block hashes announced, none served") {
        for _ in 0..<245 {
            let batch = (0..<Eth.maximumAnnouncements).map { _ -> Eth.NewBlockHashes.Announcement in
                counter += 1
                return .init(hash: hash(counter), number: 2_000 + counter)
            }
            try await peer.send(.newBlockHashes(Eth.NewBlockHashes(batch)))
        }
    }
    try await step("10^6 headers asked for, replies never read") {
        await peer.setReading(false)
        for id in 0..<977 {
            do {
                try await peer.send(.getBlockHeaders(Eth.GetBlockHeaders(requestID: UInt64(id), origin: .number(0), amount: 1_024)))
            } catch { break }  // dropped by the node at its queue bound
        }
    }
    await peer.close()
}

let args = CommandLine.arguments
switch args.dropFirst().first {
case "memory":
    do { try await memoryBenchmark() } catch { fail("memory benchmark: \(error)") }
default:
    fail("usage: NetworkBenchmarks memory")
}
