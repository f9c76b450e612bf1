import Testing
import Primitives
import ChainTypes
import State
import EVM
import Execution
import TestSupport

/// Transactions under Petersburg and Istanbul: EIP-2028 calldata pricing, the whole gas
/// price to the coinbase (no base fee), and 0x03's touch surviving a revert.
@Suite struct PreBerlinTransactionTests {
    let alice = TestKeys.key("A"), bob = TestKeys.address("B"), carol = TestKeys.address("C"),
        coinbase = TestKeys.address("D")

    /// A block whose base fee is set but must be ignored before London.
    func environment() -> BlockEnvironment {
        BlockEnvironment(coinbase: coinbase, number: 1, timestamp: 1, gasLimit: 30_000_000, prevRandao: .zero,
                         baseFee: 7, chainID: 1337, blockHashes: { _ in .zero })
    }

    func processor(_ fork: Fork) -> TransactionProcessor {
        TransactionProcessor(rules: ForkRules(fork: fork)!, precompiles: Precompiles.table(for: fork))
    }

    func legacy(to: Address, data: [UInt8] = [], gas: UInt64 = 100_000, fork: Fork) throws -> RecoveredTransaction {
        let t = Transaction.legacy(LegacyTransaction(chainID: 1337, nonce: 0, gasPrice: 10, gasLimit: gas, to: to,
                                                     value: 0, data: data))
        return try t.signed(with: alice).recovered(for: fork, chainID: 1337)
    }

    func state(codes: [Address: [UInt8]] = [:], empty: [Address] = []) throws -> StateDB {
        let db = StateDB(base: EmptyStateReader())
        try db.setBalance(alice.address, 1_000_000_000)
        for (address, code) in codes { try db.setCode(address, code) }
        for address in empty { try db.createAccount(address) }
        try db.finalizeTransaction(deleteEmptyTouched: true)
        return db
    }

    @Test(arguments: [(Fork.petersburg, UInt64(68)), (.istanbul, 16), (.berlin, 16)])
    func calldataPricing(_ fork: Fork, nonZeroByteGas: UInt64) throws {
        let db = try state()
        let tx = try legacy(to: bob, data: [0x01, 0x00, 0xff], fork: fork)
        let outcome = try processor(fork).apply(tx, to: db, in: environment(), gasAvailable: 30_000_000)
        #expect(outcome.succeeded)
        #expect(outcome.gasUsed == 21_000 + 4 + 2 * nonZeroByteGas)
    }

    @Test(arguments: [Fork.petersburg, .istanbul, .berlin])
    func wholeGasPriceGoesToTheCoinbase(_ fork: Fork) throws {
        let db = try state()
        let outcome = try processor(fork).apply(try legacy(to: bob, fork: fork), to: db, in: environment(),
                                                gasAvailable: 30_000_000)
        #expect(outcome.gasUsed == 21_000)
        #expect(try db.balance(coinbase) == UInt256(21_000 * 10), "no base fee is burnt before London")
        #expect(try db.balance(alice.address) == UInt256(1_000_000_000 - 21_000 * 10))
    }

    @Test func sstoreRefundIsCappedAtHalfTheGasUsed() throws {
        // Clearing a set slot refunds 15,000, more than half of what this transaction uses.
        let code = (Bytecode.sstore(0, 0) + .op(.stop)).bytes
        for fork in [Fork.petersburg, .istanbul] {
            let db = try state(codes: [bob: code])
            try db.setStorage(bob, slot: 0, 1)
            try db.finalizeTransaction(deleteEmptyTouched: true)
            let outcome = try processor(fork).apply(try legacy(to: bob, fork: fork), to: db, in: environment(),
                                                    gasAvailable: 30_000_000)
            let used: UInt64 = 21_000 + 3 + 3 + 5_000
            #expect(outcome.gasUsed == used - used / 2, "\(fork)")
        }
    }

    /// Carol calls `precompile` and then fails; Bob, who called Carol, succeeds. An empty
    /// 0x03 is deleted all the same (the mainnet block 2,675,119 rule); any other precompile's
    /// touch is undone with Carol's frame, so its empty account stays.
    @Test(arguments: [(UInt8(3), false), (2, true)])
    func ripemdTouchOutlivesRevert(_ index: UInt8, staysInState: Bool) throws {
        let precompile = Address([UInt8](repeating: 0, count: 19) + [index])!
        let call = { (target: Address) in
            Bytecode.push(0) + .push(0) + .push(0) + .push(0) + .push(0) + .push(target) + .op(.gas) + .op(.call)
        }
        let carolCode = (call(precompile) + .op(.invalid)).bytes
        let bobCode = (call(carol) + .op(.stop)).bytes
        for fork in [Fork.petersburg, .istanbul, .cancun] {
            let db = try state(codes: [bob: bobCode, carol: carolCode], empty: [precompile])
            #expect(try db.exists(precompile))
            let outcome = try processor(fork).apply(try legacy(to: bob, gas: 200_000, fork: fork), to: db,
                                                    in: environment(), gasAvailable: 30_000_000)
            #expect(outcome.succeeded)
            #expect(try db.exists(precompile) == staysInState, "\(fork)")
        }
    }
}
