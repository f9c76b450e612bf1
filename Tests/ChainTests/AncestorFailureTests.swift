import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import Chain
import TestSupport

/// A BLOCKHASH whose ancestor cannot be read fails the block; it is never a silent zero.
@Suite struct AncestorFailureTests {
    /// Initcode: SSTORE(0, BLOCKHASH(0)); STOP.
    static let readsGenesisHash: [UInt8] = [0x60, 0x00, 0x40, 0x60, 0x00, 0x55, 0x00]

    static func chainOfThree() throws -> [Block] {
        let producer = try ChainFixture()
        let one = try producer.seal()
        let two = try producer.seal()
        try producer.pool.add(Transaction.dynamicFee(DynamicFeeTransaction(
            chainID: ChainFixture.chainID, nonce: 0, maxPriorityFeePerGas: ChainFixture.gwei,
            maxFeePerGas: ChainFixture.gwei &* UInt256(10), gasLimit: 200_000, to: nil, value: .zero,
            data: Self.readsGenesisHash)).signed(with: TestKeys.key("X")))
        let three = try producer.seal()
        #expect(three.transactions.count == 1)
        return [one, two, three]
    }

    @Test func anUnreadableAncestorFailsTheBlock() throws {
        let blocks = try Self.chainOfThree()
        // Control: with every header readable, block 3 imports.
        let intact = try ChainFixture()
        for b in blocks { try intact.chain.insert(b) }
        #expect(intact.chain.head.hash == blocks[2].hash)

        let damaged = try ChainFixture()
        try damaged.chain.insert(blocks[0])
        try damaged.chain.insert(blocks[1])
        // Block 1's header is lost: BLOCKHASH(0) in block 3 needs its parent hash.
        try damaged.store.write { w in try w.delete(Tables.headers, blocks[0].hash.bytes) }
        #expect {
            try damaged.chain.insert(blocks[2])
        } throws: { error in
            guard case .corrupt(let why) = error as? BlockImportError else { return false }
            return why.contains("BLOCKHASH")
        }
        #expect(damaged.chain.head.hash == blocks[1].hash)
    }
}
