import Primitives
import ChainTypes
import TestSupport
@testable import P2P

/// Sample chain data for message tests: one transaction of each type, headers, receipts.
enum Fixtures {
    static let legacy = Transaction.legacy(LegacyTransaction(
        chainID: 1337, nonce: 0, gasPrice: UInt256(1_000_000_000), gasLimit: 21_000,
        to: TestKeys.address("B"), value: UInt256(1), data: [])).signed(with: TestKeys.key("A"))

    static let accessList = Transaction.accessList(AccessListTransaction(
        chainID: 1337, nonce: 1, gasPrice: UInt256(2_000_000_000), gasLimit: 50_000,
        to: TestKeys.address("C"), value: .zero, data: [0xde, 0xad],
        accessList: [AccessListEntry(address: TestKeys.address("C"), storageKeys: [Hash32.zero])]))
        .signed(with: TestKeys.key("A"))

    static let dynamicFee = Transaction.dynamicFee(DynamicFeeTransaction(
        chainID: 1337, nonce: 2, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(3_000_000_000),
        gasLimit: 60_000, to: nil, value: .zero, data: Array(repeating: 0x60, count: 40)))
        .signed(with: TestKeys.key("B"))

    static let transactions = [legacy, accessList, dynamicFee]

    static func header(_ number: UInt64) -> Header {
        Header(parentHash: Keccak256.hash([UInt8(truncatingIfNeeded: number)]), beneficiary: TestKeys.address("A"),
               difficulty: UInt256(2), number: number, gasLimit: 30_000_000, gasUsed: 21_000,
               timestamp: 1_700_000_000 + number, extraData: Array(repeating: 0, count: 97),
               baseFeePerGas: UInt256(7))
    }

    static let receipts: [Receipt] = [
        Receipt(type: .legacy, succeeded: true, cumulativeGasUsed: 21_000, logs: []),
        Receipt(type: .accessList, succeeded: false, cumulativeGasUsed: 71_000,
                logs: [Log(address: TestKeys.address("C"), topics: [Hash32.zero], data: [1, 2, 3])]),
        Receipt(type: .dynamicFee, succeeded: true, cumulativeGasUsed: 131_000, logs: []),
    ]

    static let block = Block(header: header(7), transactions: transactions, ommers: [header(5)])

    static func hash(_ n: Int) -> Hash32 { Keccak256.hash(Array(String(n).utf8)) }

    /// RLP of a list whose items are the given encodings.
    static func list(_ items: [[UInt8]]) -> [UInt8] {
        var e = RLPEncoder()
        e.appendList { e in for i in items { e.appendEncoded(i) } }
        return e.bytes
    }

    static func int(_ v: UInt64) -> [UInt8] { v.rlpEncoded }
    static func bytes(_ b: [UInt8]) -> [UInt8] {
        var e = RLPEncoder()
        e.appendBytes(b)
        return e.bytes
    }
}
