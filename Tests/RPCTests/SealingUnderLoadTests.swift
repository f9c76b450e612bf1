import Testing
import Foundation
import Primitives
import ChainTypes
import Chain
import RPC
import TestSupport

/// Heavy requests run on the RPC worker threads, not on Swift's cooperative pool, so
/// an authority keeps sealing on time while its RPC is saturated.
@Suite struct SealingUnderLoadTests {
    final class Seals: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [(number: UInt64, timestamp: UInt64, sealedAtMs: UInt64)] = []
        func add(_ b: Block) {
            let now = UInt64(Date().timeIntervalSince1970 * 1000)
            lock.withLock { items.append((b.header.number, b.header.timestamp, now)) }
        }
        var all: [(number: UInt64, timestamp: UInt64, sealedAtMs: UInt64)] { lock.withLock { items } }
    }

    @Test func sealsOnTimeWhile64ConnectionsRun50MGasCalls() async throws {
        var limits = RPCLimits()
        limits.gasCap = 50_000_000
        limits.evmTimeout = .milliseconds(400)   // each call ends by gas or by this, whichever first
        let f = try RPCFixture(limits: limits, period: 1)
        let seals = Seals()
        let producer = BlockProducer(builder: f.builder, onSealed: { seals.add($0) })
        let sealing = Task { await producer.run() }
        defer { sealing.cancel() }
        let started = Date()
        // 64 clients, each with a call that burns all of its 50M gas in a loop.
        let answers = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    let r = try? await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"data":"0x5b600056","gas":"0x2faf080"}]}"#)
                    return r?["error"] != nil
                }
            }
            var n = 0
            for await refused in group where refused { n += 1 }
            return n
        }
        let busySeconds = Date().timeIntervalSince(started)
        #expect(answers == 64)   // every call ended (out of gas or timeout) and was answered
        // Let the producer seal at least one more slot after the load.
        try await Task.sleep(for: .milliseconds(1_500))
        let sealed = seals.all
        #expect(busySeconds > 2, "the load should keep the workers busy for several periods (\(busySeconds) s)")
        #expect(sealed.count >= Int(busySeconds) - 1, "sealed \(sealed.count) blocks in \(busySeconds) s of load")
        for (i, s) in sealed.enumerated() {
            // Each block sealed at its slot (timestamp), not seconds late.
            #expect(s.sealedAtMs <= s.timestamp * 1000 + 1_500, "block \(s.number) sealed \(Int64(s.sealedAtMs) - Int64(s.timestamp * 1000)) ms after its slot")
            if i > 0 { #expect(s.timestamp == sealed[i - 1].timestamp + 1, "block \(s.number) skipped a slot") }
        }
    }
}
