import Primitives

/// Key layouts of the flat state and change-set tables (see ``Storage/Tables``).
enum StateKeys {
    static func blockNumber(_ n: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: n >> (56 - 8 * $0)) } }

    static func readBlockNumber(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `address ‖ slot` in the flat storage table.
    static func storage(_ address: Address, _ slot: UInt256) -> [UInt8] { address.bytes + slot.bigEndianBytes }

    /// `block ‖ address` in the account change sets.
    static func accountChange(_ block: UInt64, _ address: Address) -> [UInt8] { blockNumber(block) + address.bytes }

    /// `block ‖ address ‖ slot` in the storage change sets.
    static func storageChange(_ block: UInt64, _ address: Address, _ slot: UInt256) -> [UInt8] {
        blockNumber(block) + address.bytes + slot.bigEndianBytes
    }

    /// The meta key holding the number of the last committed block's state.
    static let head: [UInt8] = Array("state_head".utf8)
}

extension UInt256 {
    /// A flat storage value: minimal big-endian bytes (never stored when zero).
    init(flatValue bytes: [UInt8]) throws(StateError) {
        guard let v = UInt256(bigEndianBytes: bytes) else {
            throw .corruptRecord(table: "storage", reason: "value of \(bytes.count) bytes")
        }
        self = v
    }
}
