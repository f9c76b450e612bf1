import Testing
import ChainTypes
import EVM
import Primitives
import TestSupport

/// Random and mutated inputs, at least 20,000 per contract: nothing traps, gas is
/// computed for every fork, and each output has the shape its contract promises.
/// Seeds are fixed so a failure replays; a failing case prints its input.
@Suite struct PrecompileFuzzTests {
    static let iterations = 20_000
    typealias F = PrecompileFixture

    @Test func ecrecover() {
        var rng = SeededGenerator(seed: 0xec01)
        let key = TestKeys.key("B")
        var refusals = 0, recoveries = 0
        for i in 0..<Self.iterations {
            var input: [UInt8]
            if i % 2 == 0 {
                input = rng.bytes(Int.random(in: 0...160, using: &rng))
            } else {
                // A valid signature with one to four bytes changed, sometimes v set right.
                let hash = Hash32(rng.bytes(32)) ?? .zero
                let sig = key.sign(hash: hash)
                input = hash.bytes + F.word(UInt256(UInt64(sig.recoveryID) + 27)) + F.word(sig.r) + F.word(sig.s)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    input[Int.random(in: 0..<128, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) { input[63] = Bool.random(using: &rng) ? 27 : 28 }
                if Int.random(in: 0..<8, using: &rng) == 0 { input = Array(input.prefix(Int.random(in: 0...128, using: &rng))) }
            }
            for fork in [Fork.frontier, .cancun] { #expect(PrecompiledContract.ecrecover.gasCost(input, fork) == 3_000) }
            guard let out = PrecompiledContract.ecrecover.execute(input) else {
                Issue.record("ecrecover returned nil for \(Hex.encode(input))"); continue
            }
            #expect(out.isEmpty || (out.count == 32 && out.prefix(12).allSatisfy { $0 == 0 }), "\(Hex.encode(input))")
            if out.isEmpty { refusals += 1 } else { recoveries += 1 }
        }
        // Both branches were exercised.
        #expect(refusals > 1_000 && recoveries > 1_000)
    }

    @Test func hashesAndIdentity() {
        var rng = SeededGenerator(seed: 0x0203_04)
        for _ in 0..<Self.iterations {
            let input = rng.bytes(Int.random(in: 0...300, using: &rng))
            #expect(PrecompiledContract.sha256.execute(input)?.count == 32)
            let ripemd = PrecompiledContract.ripemd160.execute(input)
            #expect(ripemd?.count == 32 && ripemd?.prefix(12).allSatisfy { $0 == 0 } == true)
            #expect(PrecompiledContract.identity.execute(input) == input)
            for fork in [Fork.frontier, .cancun] {
                _ = PrecompiledContract.sha256.gasCost(input, fork)
                _ = PrecompiledContract.ripemd160.gasCost(input, fork)
                _ = PrecompiledContract.identity.gasCost(input, fork)
            }
        }
    }

    /// Length words drawn to hit both the ordinary and the absurd.
    static func lengthWord(_ rng: inout SeededGenerator) -> UInt256 {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...4: return UInt256(UInt64.random(in: 0...64, using: &rng))
        case 5: return [0, 1, 31, 32, 33, 64, 65, 1024, 1025, 1 << 20, (1 << 20) + 1].map { UInt256(UInt64($0)) }
            .randomElement(using: &rng) ?? .zero
        case 6: return UInt256(UInt64.random(in: 0...UInt64.max, using: &rng))
        case 7: return [UInt256.max, .max &- .one, UInt256(UInt64.max), UInt256(UInt64.max) &+ .one,
                        UInt256(UInt64(Int.max)), UInt256(UInt64(Int.max)) &+ .one, .one << 255]
            .randomElement(using: &rng) ?? .zero
        default: return UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
        }
    }

    @Test func modexp() {
        var rng = SeededGenerator(seed: 0x05)
        var executed = 0, refused = 0, computed = 0, attempts = 0
        while executed < Self.iterations {
            attempts += 1
            var input = F.modexpInput(baseLength: Self.lengthWord(&rng), exponentLength: Self.lengthWord(&rng),
                                      modulusLength: Self.lengthWord(&rng),
                                      body: rng.bytes(Int.random(in: 0...200, using: &rng)))
            if Int.random(in: 0..<10, using: &rng) == 0 {          // truncate inside the header too
                input = Array(input.prefix(Int.random(in: 0...input.count, using: &rng)))
            }
            var gas: [Fork: UInt64] = [:]
            for fork in F.forks(from: .byzantium) { gas[fork] = PrecompiledContract.modexp.gasCost(input, fork) }
            // Run what a real caller could pay for (≤ 30M gas, our genesis limit) and
            // everything `execute` must refuse or short-cut on its own, priced or not.
            let lengths = (0..<3).map { i in
                UInt256(bigEndianBytes: ModExpInputWindow.word(input, i)) ?? .zero
            }
            let cheap = (gas[.cancun] ?? .max) <= 30_000_000 || (gas[.byzantium] ?? .max) <= 30_000_000
            let huge = lengths.contains { $0 > UInt256(UInt64(1) << 32) }
            guard cheap || huge else { continue }
            executed += 1
            let out = PrecompiledContract.modexp.execute(input)
            if let out {
                computed += 1
                #expect(UInt256(UInt64(out.count)) == lengths[2], "\(Hex.encode(input.prefix(96)))")
            } else {
                refused += 1
                #expect(lengths[2] > UInt256(UInt64(1 << 20)), "refused \(Hex.encode(input.prefix(96)))")
                // Every refusal costs far more than a block holds, under every schedule.
                #expect(gas.values.allSatisfy { $0 > 3_000_000_000 })
            }
        }
        #expect(computed > 5_000 && refused > 1_000, "computed \(computed), refused \(refused), attempts \(attempts)")
    }

    @Test func blake2f() {
        var rng = SeededGenerator(seed: 0x09)
        var valid = 0
        for i in 0..<Self.iterations {
            let length = i % 4 == 0 ? Int.random(in: 0...300, using: &rng) : 213
            var input = rng.bytes(length)
            if length >= 4 {
                // Keep the work small: at most 1023 rounds (the price is checked regardless).
                input[0] = 0; input[1] = 0; input[2] &= 0x03
            }
            if length == 213, Int.random(in: 0..<4, using: &rng) != 0 { input[212] &= 1 }
            let rounds = length == 213 ? UInt64(input[2]) << 8 | UInt64(input[3]) : 0
            #expect(PrecompiledContract.blake2f.gasCost(input, .istanbul) == rounds)
            let out = PrecompiledContract.blake2f.execute(input)
            if length == 213 && input[212] <= 1 {
                #expect(out?.count == 64)
                valid += 1
            } else {
                #expect(out == nil)
            }
        }
        #expect(valid > 10_000)
    }
}

/// The three length words of a MODEXP input, zero-padded.
enum ModExpInputWindow {
    static func word(_ input: [UInt8], _ index: Int) -> [UInt8] {
        (0..<32).map { i in 32 * index + i < input.count ? input[32 * index + i] : 0 }
    }
}
