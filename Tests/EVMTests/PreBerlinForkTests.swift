import Testing
import Primitives
import ChainTypes
import EVM
import TestSupport

/// Petersburg and Istanbul rules: flat account-access prices (no EIP-2929 warm/cold), the
/// two SSTORE schedules, and the opcodes Istanbul added. Exact gas, one small program each.
@Suite struct PreBerlinForkTests {
    typealias I = InterpreterTests
    static let other = Address(Array(repeating: 7, count: 20))!

    /// Gas used and refund of `code` with slot 0 holding `slot0` before the transaction.
    static func sstore(_ code: Bytecode, fork: Fork, slot0: UInt256 = 0, gas: Int64 = 1_000_000) -> (used: Int64, refund: Int64, status: StatusCode) {
        let host = MockHost()
        if !slot0.isZero { host.storageSlots[I.me] = [0: slot0] }
        let (r, _) = I.run(code, fork: fork, gas: gas, host: host)
        return (gas - r.gasLeft, r.gasRefund, r.status)
    }

    @Test func istanbulAddsChainIDAndSelfBalance() {
        for op: UInt8 in [0x46, 0x47] {
            #expect(I.run(.raw([op]), fork: .petersburg).0.status == .undefinedInstruction)
            #expect(I.run(.raw([op]), fork: .istanbul).0.status == .success)
        }
        let host = MockHost()
        host.context.chainID = 5
        let (r, _) = I.run(.raw([0x46]) + .push(0) + .op(.mstore) + .ret(0, 32), fork: .istanbul, host: host)
        #expect(UInt256(bigEndianBytes: r.output) == 5)
        #expect(I.gasUsed(.raw([0x46]), fork: .istanbul) == 2)
        #expect(I.gasUsed(.raw([0x47]), fork: .istanbul) == 5, "SELFBALANCE: GAS_FAST_STEP (EIP-1884)")
        // Still absent before their forks: BASEFEE (London), PUSH0 (Shanghai).
        #expect(I.run(.raw([0x48]), fork: .istanbul).0.status == .undefinedInstruction)
        #expect(I.run(.op(.push0), fork: .istanbul).0.status == .undefinedInstruction)
    }

    @Test func accountAndStorageReadsAreFlat() {
        let balance = Bytecode.push(Self.other) + .op(.balance)
        #expect(I.gasUsed(balance, fork: .petersburg) == 3 + 400)
        #expect(I.gasUsed(balance, fork: .istanbul) == 3 + 700, "EIP-1884")
        #expect(I.gasUsed(balance, fork: .berlin) == 3 + 2_600, "EIP-2929 cold")
        // A second read costs the same again: nothing is warm before Berlin.
        #expect(I.gasUsed(balance + .op(.pop) + balance, fork: .istanbul) == 2 * (3 + 700) + 2)
        let twoLoads = Bytecode.push(0) + .op(.sload) + .push(0) + .op(.sload)
        #expect(I.gasUsed(twoLoads, fork: .petersburg) == 2 * (3 + 200))
        #expect(I.gasUsed(twoLoads, fork: .istanbul) == 2 * (3 + 800), "EIP-1884")
        let extcodesize = Bytecode.push(Self.other) + .raw([0x3b])
        let extcodehash = Bytecode.push(Self.other) + .raw([0x3f])
        #expect(I.gasUsed(extcodesize, fork: .petersburg) == 3 + 700)
        #expect(I.gasUsed(extcodehash, fork: .petersburg) == 3 + 400)
        #expect(I.gasUsed(extcodehash, fork: .istanbul) == 3 + 700, "EIP-1884")
    }

    @Test func callCostsSevenHundredWithoutColdSurcharge() {
        let host = MockHost()
        let target = Address(Array(repeating: 0xbb, count: 20))!
        host.codes[target] = [0x00]
        let code = Bytecode.push(0) + .push(0) + .push(0) + .push(0) + .push(0) + .push(target) + .op(.gas) + .op(.call)
        let (r, h) = I.run(code, fork: .istanbul, gas: 100_000, host: host)
        #expect(r.status == .success)
        let available = Int64(100_000 - 3 * 6 - 2 - 700)
        #expect(h.calls.first?.gas == available - available / 64)
    }

    @Test func petersburgPricesSstoreByCurrentValue() {
        let f = Fork.petersburg
        #expect(Self.sstore(.sstore(0, 1), fork: f) == (3 + 3 + 20_000, 0, .success))
        // A no-op write and a second write to a dirty slot both cost 5,000 (no net metering).
        #expect(Self.sstore(.sstore(0, 1), fork: f, slot0: 1) == (3 + 3 + 5_000, 0, .success))
        #expect(Self.sstore(.sstore(0, 1) + .sstore(0, 2), fork: f) == (6 + 20_000 + 6 + 5_000, 0, .success))
        // Clearing refunds 15,000 each time a non-zero slot is cleared; restoring earns nothing back.
        #expect(Self.sstore(.sstore(0, 0), fork: f, slot0: 1) == (3 + 3 + 5_000, 15_000, .success))
        #expect(Self.sstore(.sstore(0, 1) + .sstore(0, 0), fork: f) == (6 + 20_000 + 6 + 5_000, 15_000, .success))
        // No EIP-2200 sentry: an SSTORE with 2,300 gas or less simply runs out.
        #expect(Self.sstore(.sstore(0, 1), fork: f, slot0: 1, gas: 2_200).status == .outOfGas)
    }

    @Test func istanbulMetersSstoreNetOfTheOriginalValue() {
        let f = Fork.istanbul
        #expect(Self.sstore(.sstore(0, 1), fork: f) == (3 + 3 + 20_000, 0, .success))
        #expect(Self.sstore(.sstore(0, 1), fork: f, slot0: 1) == (3 + 3 + 800, 0, .success), "no-op: SLOAD_GAS")
        #expect(Self.sstore(.sstore(0, 1) + .sstore(0, 2), fork: f) == (6 + 20_000 + 6 + 800, 0, .success), "dirty slot")
        #expect(Self.sstore(.sstore(0, 0), fork: f, slot0: 1) == (3 + 3 + 5_000, 15_000, .success))
        // Restoring the original value refunds SSTORE_SET − SLOAD_GAS or SSTORE_RESET − SLOAD_GAS.
        #expect(Self.sstore(.sstore(0, 1) + .sstore(0, 0), fork: f) == (6 + 20_000 + 6 + 800, 19_200, .success))
        #expect(Self.sstore(.sstore(0, 2) + .sstore(0, 1), fork: f, slot0: 1) == (6 + 5_000 + 6 + 800, 4_200, .success))
        // Clear, then un-clear: the clear refund is taken back.
        #expect(Self.sstore(.sstore(0, 0) + .sstore(0, 2), fork: f, slot0: 1) == (6 + 5_000 + 6 + 800, 0, .success))
        // EIP-2200's sentry: with 2,300 gas or less left, SSTORE fails even as a no-op.
        #expect(Self.sstore(.sstore(0, 1), fork: f, slot0: 1, gas: 2_306).status == .outOfGas)
        #expect(Self.sstore(.sstore(0, 1), fork: f, slot0: 1, gas: 2_307).status == .success)
    }

    @Test func selfDestructHasNoColdSurchargeAndRefunds24000() {
        let host = MockHost()
        host.balances[I.me] = 1
        host.balances[Self.other] = 1
        let (r, _) = I.run(.push(Self.other) + .op(.selfdestruct), fork: .istanbul, host: host)
        #expect(r.status == .success)
        #expect(1_000_000 - r.gasLeft == 3 + 5_000)
        #expect(r.gasRefund == 24_000)
        // Sending a balance to an empty account costs 25,000 more (EIP-161).
        let fresh = MockHost()
        fresh.balances[I.me] = 1
        #expect(1_000_000 - I.run(.push(Self.other) + .op(.selfdestruct), fork: .petersburg, host: fresh).0.gasLeft == 3 + 30_000)
    }
}
