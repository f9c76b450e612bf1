import Testing
import Primitives

@Suite struct HexTests {
    @Test func roundTrip() throws {
        #expect(try Hex.decode("0x00ff10") == [0x00, 0xff, 0x10])
        #expect(try Hex.decode("ABcd") == [0xab, 0xcd])
        #expect(try Hex.decode("0x") == [])
        #expect(Hex.encode([0xde, 0xad]) == "0xdead")
        #expect(Hex.encode([0x01], prefix: false) == "01")
    }

    @Test func rejectsMalformed() {
        #expect(throws: HexError.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidCharacter(offset: 3)) { try Hex.decode("0xag") }
        #expect(throws: HexError.wrongLength(got: 2, expected: 20)) { try Address(hex: "0x1234") }
    }

    @Test func addressChecksumEIP55() throws {
        // Examples from EIP-55.
        for text in ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                     "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"] {
            #expect(try Address(hex: text).checksummed == text)
        }
    }

    @Test func fixedBytesOrderIsLexicographic() throws {
        let a = try Address(hex: "0x0100000000000000000000000000000000000000")
        let b = try Address(hex: "0x00ffffffffffffffffffffffffffffffffffffff")
        #expect(b < a)
        #expect(MemoryLayout<Hash32>.size == 32)
        #expect(MemoryLayout<Address>.size == 20)
    }
}
