import Testing
import CSnappy
import TestSupport
@testable import P2P

/// The Snappy wrapper: round trips, agreement with the C library, and refusal of
/// hostile streams before any allocation.
@Suite struct SnappyTests {
    static let inputs: [[UInt8]] = {
        var rng = SeededGenerator(seed: 7)
        return [
            [],
            [0x42],
            Array(repeating: Array("cloister ".utf8), count: 1000).flatMap { $0 },
            (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &rng) },
        ]
    }()

    @Test(arguments: inputs)
    func roundTrips(_ input: [UInt8]) throws {
        let compressed = Snappy.compress(input)
        #expect(try Snappy.declaredLength(of: compressed) == input.count)
        #expect(try Snappy.decompress(compressed) == input)
    }

    @Test func compressibleDataShrinks() {
        let input = Array(repeating: UInt8(7), count: 100_000)
        #expect(Snappy.compress(input).count < 6_000)
    }

    @Test func emptyInputIsRefused() {
        #expect(throws: MessageError.snappyMalformedLength) { try Snappy.decompress([]) }
    }

    @Test func overlongVarintIsRefused() {
        #expect(throws: MessageError.snappyMalformedLength) { try Snappy.decompress([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) }
        // 5 bytes but above 2^32 - 1.
        #expect(throws: MessageError.snappyMalformedLength) { try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x1f]) }
        #expect(throws: MessageError.snappyMalformedLength) { try Snappy.decompress([0x80]) }
    }

    @Test func declaredLengthAboveLimitIsRefusedBeforeDecompressing() {
        // Header says 16 MiB + 1, the stream itself is garbage: the length check comes first.
        var stream: [UInt8] = varint(Snappy.maximumUncompressedLength + 1)
        stream += [0x00, 0x01, 0x02]
        #expect(throws: MessageError.snappyLengthExceedsLimit(declared: Snappy.maximumUncompressedLength + 1,
                                                               limit: Snappy.maximumUncompressedLength)) {
            try Snappy.decompress(stream)
        }
        // 4 GiB − 1 declared.
        #expect(throws: MessageError.snappyLengthExceedsLimit(declared: Int(UInt32.max),
                                                               limit: Snappy.maximumUncompressedLength)) {
            try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x0f])
        }
    }

    @Test func callerLimitApplies() throws {
        let compressed = Snappy.compress(Array(repeating: 1, count: 1000))
        #expect(throws: MessageError.snappyLengthExceedsLimit(declared: 1000, limit: 999)) {
            try Snappy.decompress(compressed, limit: 999)
        }
        #expect(try Snappy.decompress(compressed, limit: 1000).count == 1000)
    }

    @Test func corruptStreamsAreRefused() {
        let good = Snappy.compress(Array(repeating: Array("abcdefgh".utf8), count: 50).flatMap { $0 })
        // Truncated.
        #expect(throws: MessageError.snappyCorrupt) { try Snappy.decompress(Array(good.dropLast(3))) }
        // Declared length larger than the stream produces.
        var longer = good
        longer[0] &+= 1
        #expect(throws: MessageError.snappyCorrupt) { try Snappy.decompress(longer) }
        // A copy reaching before the start of the output.
        #expect(throws: MessageError.snappyCorrupt) { try Snappy.decompress([0x0a, 0x09, 0xff, 0xff]) }
        // Declares bytes but carries none.
        #expect(throws: MessageError.snappyCorrupt) { try Snappy.decompress([0x05]) }
    }

    @Test func agreesWithTheCLibrary() throws {
        let input = Array(repeating: Array("eth/68 ".utf8), count: 300).flatMap { $0 }
        var compressed = [CChar](repeating: 0, count: snappy_max_compressed_length(input.count))
        var length = compressed.count
        let status = input.withUnsafeBufferPointer { src in
            src.withMemoryRebound(to: CChar.self) { snappy_compress($0.baseAddress, input.count, &compressed, &length) }
        }
        #expect(status == SNAPPY_OK)
        let bytes = compressed.prefix(length).map { UInt8(bitPattern: $0) }
        #expect(try Snappy.decompress(bytes) == input)
        #expect(Snappy.compress(input) == bytes)
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let n = Int.random(in: 0...40, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? Snappy.decompress(bytes, limit: 4096)
        }
    }

    private func varint(_ value: Int) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        out.append(UInt8(v))
        return out
    }
}
