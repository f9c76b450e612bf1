import ChainTypes
import EVM
import Primitives

/// Small helpers shared by the `Precompile*Tests` suites.
enum PrecompileFixture {
    /// Bytes from hex text; whitespace and newlines are ignored so long vectors can wrap.
    static func bytes(_ hex: String) throws -> [UInt8] {
        try Hex.decode(String(hex.filter { !$0.isWhitespace }))
    }

    /// A 32-byte big-endian word.
    static func word(_ value: UInt256) -> [UInt8] { value.bigEndianBytes }

    /// The 20-byte address `0x00…00<index>`.
    static func address(_ index: UInt8) -> Address {
        Address([UInt8](repeating: 0, count: 19) + [index]) ?? .zero
    }

    /// An EIP-198 input: the three length words, then the three operands as given.
    static func modexpInput(baseLength: UInt256, exponentLength: UInt256, modulusLength: UInt256,
                            body: [UInt8] = []) -> [UInt8] {
        word(baseLength) + word(exponentLength) + word(modulusLength) + body
    }

    /// Every fork from `first` to the latest.
    static func forks(from first: Fork, through last: Fork = .cancun) -> [Fork] {
        Fork.allCases.filter { $0 >= first && $0 <= last }
    }
}
