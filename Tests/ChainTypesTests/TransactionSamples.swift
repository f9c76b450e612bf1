import Primitives
import ChainTypes
import TestSupport

/// Sample transactions of every type, and helpers to build hand-made (often malformed) encodings.
enum TransactionSamples {
    static let recipient = TestKeys.address("B")
    static let storageKey = Hash32(UInt256(7))

    static let legacyUnprotected = Transaction.legacy(LegacyTransaction(
        chainID: nil, nonce: 0, gasPrice: 1_000_000_000, gasLimit: 21_000, to: recipient, value: 1))
    static let legacyEIP155 = Transaction.legacy(LegacyTransaction(
        chainID: 1, nonce: 7, gasPrice: 20_000_000_000, gasLimit: 50_000, to: recipient,
        value: UInt256(10).power(18), data: [0xde, 0xad, 0x00, 0xbe, 0xef]))
    /// The largest chain id: v = 35 + 2·(2⁶⁴ − 1) + parity no longer fits in 64 bits.
    static let legacyHugeChainID = Transaction.legacy(LegacyTransaction(
        chainID: .max, nonce: 1, gasPrice: 1, gasLimit: 21_000, to: recipient, value: 0))
    static let legacyCreation = Transaction.legacy(LegacyTransaction(
        chainID: 1, nonce: 2, gasPrice: 3, gasLimit: 100_000, to: nil, value: 0,
        data: [0x60, 0x00, 0x60, 0x00, 0xf3]))
    static let accessList = Transaction.accessList(AccessListTransaction(
        chainID: 1, nonce: 3, gasPrice: 5, gasLimit: 60_000, to: recipient, value: 9, data: [1, 2, 3],
        accessList: [AccessListEntry(address: recipient, storageKeys: [storageKey, .zero]),
                     AccessListEntry(address: TestKeys.address("C"))]))
    static let dynamicFee = Transaction.dynamicFee(DynamicFeeTransaction(
        chainID: 1, nonce: 4, maxPriorityFeePerGas: 2_000_000_000, maxFeePerGas: 30_000_000_000,
        gasLimit: 90_000, to: nil, value: 0, data: [UInt8](repeating: 0x5b, count: 100),
        accessList: [AccessListEntry(address: recipient, storageKeys: [storageKey])]))

    static let all: [Transaction] = [legacyUnprotected, legacyEIP155, legacyHugeChainID, legacyCreation,
                                     accessList, dynamicFee]

    /// `rlp(list)`, with `prefix` (a type byte) in front when given.
    static func encode(_ items: [RLPItem], type: UInt8? = nil) -> [UInt8] {
        (type.map { [$0] } ?? []) + RLPItem.list(items).rlpEncoded
    }

    /// The RLP items of a signed transaction's list (after its type byte), to edit and re-encode.
    static func items(of signed: SignedTransaction) throws -> [RLPItem] {
        var bytes = signed.networkEncoding
        if signed.type != .legacy { bytes.removeFirst() }
        guard case .list(let items) = try RLPItem(decoding: bytes) else { return [] }
        return items
    }

    /// An integer item.
    static func int(_ value: UInt256) -> RLPItem { .bytes(value.minimalBigEndianBytes) }
}
