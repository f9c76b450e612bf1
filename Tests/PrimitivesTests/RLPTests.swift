import Testing
import Primitives
import TestSupport

@Suite struct RLPTests {
    static func encode(_ item: RLPItem) -> [UInt8] { item.rlpEncoded }
    static func s(_ text: String) -> RLPItem { .bytes(Array(text.utf8)) }

    @Test func encodesYellowPaperExamples() throws {
        #expect(Self.encode(Self.s("dog")) == [0x83, 0x64, 0x6f, 0x67])
        #expect(Self.encode(.list([Self.s("cat"), Self.s("dog")])) == [0xc8, 0x83, 0x63, 0x61, 0x74, 0x83, 0x64, 0x6f, 0x67])
        #expect(Self.encode(.bytes([])) == [0x80])
        #expect(Self.encode(.list([])) == [0xc0])
        #expect(Self.encode(.bytes([0x00])) == [0x00])
        #expect(Self.encode(.bytes([0x80])) == [0x81, 0x80])
        #expect(UInt64(0).rlpEncoded == [0x80])
        #expect(UInt64(15).rlpEncoded == [0x0f])
        #expect(UInt64(1024).rlpEncoded == [0x82, 0x04, 0x00])
        #expect(UInt256.max.rlpEncoded == [0xa0] + [UInt8](repeating: 0xff, count: 32))
        let lorem = Self.s("Lorem ipsum dolor sit amet, consectetur adipisicing elit")
        #expect(Self.encode(lorem).prefix(2) == [0xb8, 0x38])
        // [ [], [[]], [ [], [[]] ] ]
        let setTheory = RLPItem.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])])
        #expect(Self.encode(setTheory) == [0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0])
        let longList = RLPItem.list(Array(repeating: Self.s("abcdefghij"), count: 6))
        #expect(Self.encode(longList).prefix(2) == [0xf8, 66])
    }

    /// Each non-canonical form is rejected with the error and offset that names it.
    @Test(arguments: [
        ([], RLPError.unexpectedEnd(offset: 0)),
        ([0x81, 0x00], .nonCanonicalSingleByte(offset: 0)),
        ([0x81, 0x7f], .nonCanonicalSingleByte(offset: 0)),
        ([0xc2, 0x81, 0x05], .nonCanonicalSingleByte(offset: 1)),
        ([0xb8, 0x02, 0x61, 0x62], .nonCanonicalLength(offset: 0)),
        ([0xf8, 0x01, 0x80], .nonCanonicalLength(offset: 0)),
        ([0xb9, 0x00, 0x40], .leadingZeroInLength(offset: 1)),
        ([0xb8], .unexpectedEnd(offset: 1)),
        ([0x83, 0x61], .lengthPastEnd(offset: 0, length: 3, available: 1)),
        ([0xc2, 0x83, 0x61, 0x62], .lengthPastEnd(offset: 1, length: 3, available: 1)),
        ([0xc3, 0x83, 0x61], .lengthPastEnd(offset: 0, length: 3, available: 2)),
        ([0xc1, 0x83, 0x61, 0x62, 0x63], .lengthPastEnd(offset: 1, length: 3, available: 0)),
        ([0x80, 0x80], .trailingBytes(offset: 1)),
        ([0xbf, 0xff, 0, 0, 0, 0, 0, 0, 0], .lengthOverflow(offset: 1)),
        ([0xbf, 0x01, 0, 0, 0, 0, 0, 0, 0], .lengthPastEnd(offset: 0, length: 1 << 56, available: 0)),
    ] as [([UInt8], RLPError)])
    func rejectsNonCanonical(input: [UInt8], expected: RLPError) {
        #expect(throws: expected) { try RLPItem(decoding: input) }
    }

    @Test func rejectsDeepNesting() {
        var bytes: [UInt8] = [0xc0]
        for _ in 0..<100 {
            var e = RLPEncoder()
            e.appendList { $0.appendEncoded(bytes) }
            bytes = e.bytes
        }
        do {
            _ = try RLPItem(decoding: bytes)
            Issue.record("100 nested lists were accepted")
        } catch {
            guard case .tooDeep(_, let limit) = error else { Issue.record("wrong error \(error)"); return }
            #expect(limit == RLPReader.maximumDepth)
        }
    }

    @Test func typedReads() throws {
        var r = RLPReader([0xc7, 0x82, 0x04, 0x00, 0x80, 0x82, 0x00, 0x01])
        var list = try r.readList()
        #expect(try list.readUInt64() == 1024)
        #expect(try list.readUInt256() == .zero)
        #expect(throws: RLPError.leadingZeroInInteger(offset: 5)) { try list.readUInt64() }
        var wide = RLPReader([0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(throws: RLPError.integerTooLarge(offset: 0, maximumBytes: 8)) { try wide.readUInt64() }
        var hash = RLPReader([0x82, 1, 2])
        #expect(throws: RLPError.wrongLength(offset: 0, got: 2, expected: 32)) { try hash.readFixed(Hash32.self) }
        var notList = RLPReader([0x80])
        #expect(throws: RLPError.expectedList(offset: 0)) { try notList.readList() }
        var notBytes = RLPReader([0xc0])
        #expect(throws: RLPError.expectedBytes(offset: 0)) { try notBytes.readBytes() }
    }

    /// A random tree of strings (all lengths, including 0, 1, 55, 56) and lists.
    static func randomItem(_ rng: inout SeededGenerator, depth: Int = 0) -> RLPItem {
        if depth < 4 && Int.random(in: 0..<3, using: &rng) == 0 {
            return .list((0..<Int.random(in: 0...6, using: &rng)).map { _ in randomItem(&rng, depth: depth + 1) })
        }
        let lengths = [0, 1, 1, 2, 55, 56, 57, 200, 1100]
        let n = Bool.random(using: &rng) ? lengths.randomElement(using: &rng)! : Int.random(in: 0...80, using: &rng)
        return .bytes(rng.bytes(n))
    }

    @Test func decodeEncodeIsIdentity() throws {
        var rng = SeededGenerator(seed: 0x726C70)
        for _ in 0..<3000 {
            let item = Self.randomItem(&rng)
            #expect(try RLPItem(decoding: item.rlpEncoded) == item)
        }
    }

    /// 100,000 random and mutated byte strings: the decoder never traps, and
    /// whatever it accepts re-encodes to exactly the same bytes (it is strict).
    @Test func fuzzNeverTrapsAndAcceptsOnlyCanonical() {
        var rng = SeededGenerator(seed: 0xF022)
        let seeds = (0..<64).map { _ in Self.randomItem(&rng).rlpEncoded }
        var accepted = 0
        for i in 0..<100_000 {
            var input: [UInt8]
            if i % 2 == 0 {
                input = rng.bytes(Int.random(in: 0...64, using: &rng))
            } else {
                input = seeds[i % seeds.count]
                for _ in 0...Int.random(in: 0...3, using: &rng) where !input.isEmpty {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    case 1: input.removeLast(Int.random(in: 0...input.count, using: &rng))
                    case 2: input.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...input.count, using: &rng))
                    default: input[0] = [0xb8, 0xb9, 0xbf, 0xf8, 0xff, 0x81][Int.random(in: 0..<6, using: &rng)]
                    }
                }
            }
            if let item = try? RLPItem(decoding: input) {
                accepted += 1
                #expect(item.rlpEncoded == input, "accepted non-canonical \(Hex.encode(input))")
            }
        }
        print("RLP fuzz: 100000 inputs, \(accepted) accepted, all canonical")
        #expect(accepted > 0)
    }
}
