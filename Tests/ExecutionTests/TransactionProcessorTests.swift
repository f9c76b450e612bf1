import Testing
import Primitives
import ChainTypes
import State
import EVM
import Execution
import TestSupport

/// Transaction application: fees, refunds, rejections with go-ethereum's wording.
@Suite struct TransactionProcessorTests {
    let alice = TestKeys.key("A"), bob = TestKeys.address("B"), coinbase = TestKeys.address("C")

    func environment(baseFee: UInt256 = 7) -> BlockEnvironment {
        BlockEnvironment(coinbase: coinbase, number: 1, timestamp: 1, gasLimit: 30_000_000, prevRandao: .zero,
                         baseFee: baseFee, chainID: 1337, blockHashes: { _ in .zero })
    }

    func processor() -> TransactionProcessor {
        TransactionProcessor(rules: ForkRules(fork: .cancun)!, precompiles: Precompiles.table(for: .cancun))
    }

    func state(balance: UInt256 = 1_000_000_000, code: [UInt8] = []) throws -> StateDB {
        let db = StateDB(base: EmptyStateReader())
        try db.setBalance(alice.address, balance)
        if !code.isEmpty { try db.setCode(bob, code) }
        try db.finalizeTransaction(deleteEmptyTouched: true)
        return db
    }

    func tx(nonce: UInt64 = 0, to: Address?, value: UInt256 = 0, data: [UInt8] = [], gas: UInt64 = 21_000,
            maxFee: UInt256 = 10, tip: UInt256 = 2) throws -> RecoveredTransaction {
        let t = Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: nonce, maxPriorityFeePerGas: tip,
                                                             maxFeePerGas: maxFee, gasLimit: gas, to: to, value: value, data: data))
        return try t.signed(with: alice).recovered(for: .cancun, chainID: 1337)
    }

    @Test func transferPaysTipAndBurnsBaseFee() throws {
        let db = try state()
        let outcome = try processor().apply(try tx(to: bob, value: 1_000), to: db, in: environment(), gasAvailable: 30_000_000)
        #expect(outcome.succeeded && outcome.gasUsed == 21_000)
        // Effective price = min(10, 7 + 2) = 9; the sender pays 9 per gas, the coinbase gets the 2 tip.
        let expectedSender: UInt256 = UInt256(1_000_000_000 - 1_000 - 21_000 * 9)
        #expect(try db.balance(alice.address) == expectedSender)
        #expect(try db.balance(bob) == UInt256(1_000))
        #expect(try db.balance(coinbase) == UInt256(21_000 * 2))
        #expect(try db.nonce(alice.address) == 1)
    }

    @Test func revertingCallChargesGasButKeepsNoChanges() throws {
        // SSTORE(0, 1) then REVERT(0, 0)
        let code = (Bytecode.sstore(0, 1) + .revert(0, 0)).bytes
        let db = try state(code: code)
        let outcome = try processor().apply(try tx(to: bob, gas: 100_000), to: db, in: environment(), gasAvailable: 30_000_000)
        #expect(!outcome.succeeded)
        #expect(outcome.status == .revert)
        #expect(try db.storage(bob, slot: 0) == 0)
        #expect(try db.nonce(alice.address) == 1, "the nonce is used even when the call reverts")
        let expectedGas: UInt64 = 21_000 + 3 + 3 + 22_100 + 3 + 3
        #expect(outcome.gasUsed == expectedGas)
    }

    @Test func createDeploysCodeAtTheNonceAddress() throws {
        // initcode: MSTORE8(0, 0x00 STOP) ; RETURN(0, 1)
        let initcode = (Bytecode.push(0) + .push(0) + .op(.mstore8) + .ret(0, 1)).bytes
        let db = try state()
        let outcome = try processor().apply(try tx(to: nil, data: initcode, gas: 100_000), to: db, in: environment(), gasAvailable: 30_000_000)
        let expected = StateHost.createAddress(sender: alice.address, nonce: 0)
        #expect(outcome.succeeded && outcome.createdAddress == expected)
        #expect(try db.code(expected) == [0x00])
        #expect(try db.nonce(expected) == 1)
    }

    @Test func rejectionsUseGethWording() throws {
        let p = processor()
        let db = try state()
        #expect(throws: ExecutionError.nonceTooHigh(address: alice.address, got: 5, expected: 0)) {
            try p.apply(try tx(nonce: 5, to: bob), to: db, in: environment(), gasAvailable: 30_000_000)
        }
        #expect(throws: ExecutionError.feeCapTooLow(feeCap: 10, baseFee: 11)) {
            try p.apply(try tx(to: bob), to: db, in: environment(baseFee: 11), gasAvailable: 30_000_000)
        }
        let poor = try state(balance: 100)
        do {
            _ = try p.apply(try tx(to: bob), to: poor, in: environment(), gasAvailable: 30_000_000)
            Issue.record("a transaction beyond the balance was applied")
        } catch {
            #expect("\(error)".hasPrefix("insufficient funds for gas * price + value"))
        }
        #expect(throws: ExecutionError.gasLimitReached(needed: 21_000, available: 20_000)) {
            try p.apply(try tx(to: bob), to: db, in: environment(), gasAvailable: 20_000)
        }
        #expect(try db.nonce(alice.address) == 0, "rejected transactions change nothing")
    }

    @Test func senderWithCodeIsRejected() throws {
        let db = try state()
        try db.setCode(alice.address, [0x00])
        #expect(throws: ExecutionError.senderNotEOA(alice.address)) {
            try processor().apply(try tx(to: bob), to: db, in: environment(), gasAvailable: 30_000_000)
        }
    }
}
