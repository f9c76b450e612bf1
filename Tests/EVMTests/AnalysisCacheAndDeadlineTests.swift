import Testing
import Foundation
import Primitives
import ChainTypes
import EVM
import TestSupport

/// The analysis cache stays within its byte budget, least recently used out first;
/// a deadline stops a running loop and a deeply nested frame alike.
@Suite struct AnalysisCacheAndDeadlineTests {
    static func hash(_ i: Int) -> Hash32 { Keccak256.hash(Array(String(i).utf8)) }

    @Test func evictsTheLeastRecentlyUsedToStayWithinBytes() {
        let code = AnalyzedCode([UInt8](repeating: 0x5b, count: 1_000))
        let cost = AnalysisCache.cost(of: code)
        var cache = AnalysisCache(byteLimit: cost * 3)
        cache.put(Self.hash(1), code)
        cache.put(Self.hash(2), code)
        cache.put(Self.hash(3), code)
        #expect(cache.get(Self.hash(1)) != nil)      // 1 is now the most recent
        cache.put(Self.hash(4), code)                 // evicts 2, the least recent
        #expect(cache.count == 3)
        #expect(cache.bytes <= cache.byteLimit)
        #expect(cache.get(Self.hash(2)) == nil)
        #expect(cache.get(Self.hash(1)) != nil && cache.get(Self.hash(3)) != nil && cache.get(Self.hash(4)) != nil)
        // Something larger than the whole budget is simply not kept.
        cache.put(Self.hash(5), AnalyzedCode([UInt8](repeating: 0, count: cost * 4)))
        #expect(cache.get(Self.hash(5)) == nil)
        #expect(cache.count == 3)
    }

    @Test func anInterpreterNeverHoldsMoreAnalysisThanItsBudget() {
        let interpreter = Interpreter(rules: ForkRules(fork: .cancun)!)
        // 48 MiB of distinct 24-KiB contracts, as code made inside free eth_calls could be.
        for i in 0..<2_000 {
            var bytes = [UInt8](repeating: 0x5b, count: 24 * 1024)
            withUnsafeBytes(of: UInt64(i)) { for (j, b) in $0.enumerated() { bytes[j] = b } }
            _ = interpreter.analyze(bytes, hash: Self.hash(i))
            #expect(interpreter.analysisCacheSize <= Interpreter.analysisCacheBytes)
        }
        #expect(interpreter.analysisCacheSize > Interpreter.analysisCacheBytes / 2)
    }

    @Test func aPassedDeadlineInterruptsALoop() {
        let interpreter = Interpreter(rules: ForkRules(fork: .cancun)!)
        let host = MockHost()
        host.interpreter = interpreter
        let me = Address(Array(repeating: 0xaa, count: 20))!  // checked: 20 bytes
        let loop = AnalyzedCode([0x5b, 0x60, 0x00, 0x56])     // JUMPDEST PUSH1 0 JUMP
        interpreter.deadline = ContinuousClock.now + .milliseconds(50)
        let started = ContinuousClock.now
        let r = interpreter.execute(Message(kind: .call, gas: Int64.max / 2, recipient: me, codeAddress: me), code: loop, host: host)
        #expect(r.status == .interrupted)
        #expect(r.status.abortsMessage)
        #expect(ContinuousClock.now - started < .seconds(5))
        // Without a deadline the same loop ends only by gas.
        interpreter.deadline = nil
        let bounded = interpreter.execute(Message(kind: .call, gas: 100_000, recipient: me, codeAddress: me), code: loop, host: host)
        #expect(bounded.status == .outOfGas)
    }
}
