import Testing
import Primitives
import ChainTypes
import TestSupport

/// Mutated valid encodings never trap; whatever decodes re-encodes to the exact input.
@Suite struct TransactionFuzzTests {
    static let seed: UInt64 = 0x7458_2718_1559_2930
    static let iterations = 20_000

    /// Applies one to four random edits: flip a bit, overwrite with a boundary byte,
    /// insert, delete, truncate, or duplicate a range.
    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1 where !bytes.isEmpty:
                bytes[position] = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff]
                    .randomElement(using: &rng)!
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 3 where !bytes.isEmpty:
                bytes.remove(at: position)
            case 4:
                bytes = Array(bytes.prefix(position))
            case 5 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                if !bytes.isEmpty { bytes[position] = UInt8.random(in: 0...255, using: &rng) }
            }
        }
        return bytes
    }

    @Test func mutatedEncodingsNeverTrap() {
        print("TransactionFuzzTests seed: 0x\(String(Self.seed, radix: 16)), \(Self.iterations) iterations")
        var rng = SeededGenerator(seed: Self.seed)
        let key = TestKeys.key("A")
        var corpus: [[UInt8]] = []
        for tx in TransactionSamples.all {
            let signed = tx.signed(with: key)
            corpus.append(signed.networkEncoding)
            corpus.append(signed.rlpEncoded)
        }
        var networkAccepted = 0
        var bodyAccepted = 0
        for _ in 0..<Self.iterations {
            let input = Self.mutate(corpus.randomElement(using: &rng)!, using: &rng)
            if let tx = try? SignedTransaction(networkEncoding: input) {
                networkAccepted += 1
                #expect(tx.networkEncoding == input)
                #expect(tx.hash == Keccak256.hash(input))
                _ = try? tx.recovered(for: .cancun, chainID: 1)
                _ = try? tx.recovered(for: .frontier, chainID: 1)
            }
            if let tx = try? SignedTransaction(rlp: input) {
                bodyAccepted += 1
                #expect(tx.rlpEncoded == input)
                _ = try? tx.recovered(for: .cancun, chainID: 1)
            }
        }
        print("TransactionFuzzTests: \(networkAccepted) network and \(bodyAccepted) body inputs decoded")
    }

    /// Random bytes with a plausible first byte.
    @Test func randomBytesNeverTrap() {
        var rng = SeededGenerator(seed: Self.seed ^ 0xffff)
        for _ in 0..<5_000 {
            let first = [0x01, 0x02, 0x03, 0xc0, 0xf8, 0xf9, 0xb8].randomElement(using: &rng)!
            let input = [UInt8(first)] + rng.bytes(Int.random(in: 0..<200, using: &rng))
            if let tx = try? SignedTransaction(networkEncoding: input) { #expect(tx.networkEncoding == input) }
            if let tx = try? SignedTransaction(rlp: input) { #expect(tx.rlpEncoded == input) }
        }
    }
}
