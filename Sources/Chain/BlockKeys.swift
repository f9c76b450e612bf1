import Primitives

/// Key layouts of the chain tables (see ``Storage/Tables``).
enum BlockKeys {
    static func number(_ n: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: n >> (56 - 8 * $0)) } }

    static func readNumber(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Meta key of the canonical head block's hash.
    static let headBlock: [UInt8] = Array("head_block".utf8)
}
