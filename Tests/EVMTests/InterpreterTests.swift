import Testing
import Primitives
import ChainTypes
import EVM
import TestSupport

/// Opcode semantics and exact gas, one small program each.
@Suite struct InterpreterTests {
    static let me = Address(Array(repeating: 0xaa, count: 20))!

    static func run(_ code: Bytecode, fork: Fork = .cancun, gas: Int64 = 1_000_000, isStatic: Bool = false,
                    host: MockHost = MockHost()) -> (ExecutionResult, MockHost) {
        let interpreter = Interpreter(rules: ForkRules(fork: fork)!)
        host.interpreter = interpreter
        _ = host.accessAccount(me)
        let message = Message(kind: .call, isStatic: isStatic, gas: gas, recipient: me, codeAddress: me)
        return (interpreter.execute(message, code: AnalyzedCode(code.bytes), host: host), host)
    }

    static func gasUsed(_ code: Bytecode, fork: Fork = .cancun) -> Int64 { 1_000_000 - run(code, fork: fork).0.gasLeft }

    @Test func arithmeticAndReturn() {
        let (r, _) = Self.run(.push(2) + .push(3) + .op(.add) + .mstore(0, 0) + .op(.pop) + .push(5) + .push(0) + .op(.mstore) + .ret(0, 32))
        #expect(r.status == .success)
        #expect(UInt256(bigEndianBytes: r.output) == 5)
    }

    @Test func exactGas() {
        #expect(Self.gasUsed(.push(1) + .push(2) + .op(.add)) == 9)
        #expect(Self.gasUsed(.mstore(0, 42)) == 12, "3 + 3 + 3 + one word of memory (3)")
        #expect(Self.gasUsed(.push(0x0100) + .push(2) + .op(.exp)) == 3 + 3 + 10 + 50 * 2)
        #expect(Self.gasUsed(.sstore(0, 1)) == 3 + 3 + 2_100 + 20_000, "cold slot, zero to non-zero")
        #expect(Self.gasUsed(.push(0) + .op(.sload) + .push(0) + .op(.sload)) == 3 + 2_100 + 3 + 100, "cold then warm")
        #expect(Self.gasUsed(.push(Address(Array(repeating: 7, count: 20))!) + .op(.balance)) == 3 + 2_600)
        #expect(Self.gasUsed(.push(0) + .push(0) + .op(.keccak256)) == 3 + 3 + 30)
        #expect(Self.gasUsed(.push(32) + .push(0) + .op(.keccak256)) == 3 + 3 + 30 + 6 + 3)
    }

    @Test func sstoreRefundsFollowEIP3529() {
        let host = MockHost()
        host.storageSlots[Self.me] = [0: 1]
        let (r, _) = Self.run(.sstore(0, 0), host: host)
        #expect(r.status == .success)
        #expect(r.gasRefund == 4_800)
        #expect(1_000_000 - r.gasLeft == 3 + 3 + 2_100 + 2_900)
        let berlin = MockHost()
        berlin.storageSlots[Self.me] = [0: 1]
        #expect(Self.run(.sstore(0, 0), fork: .berlin, host: berlin).0.gasRefund == 15_000)
    }

    @Test func failuresConsumeAllGas() {
        #expect(Self.run(.op(.add)).0.status == .stackUnderflow)
        #expect(Self.run(.push(3) + .op(.jump) + .op(.stop)).0.status == .badJumpDestination)
        // 0x5b inside PUSH1 data is not a jump destination.
        #expect(Self.run(.push(3) + .op(.jump) + .raw([0x60, 0x5b])).0.status == .badJumpDestination)
        #expect(Self.run(.op(.invalid)).0.status == .invalidInstruction)
        #expect(Self.run(.raw([0x0c])).0.status == .undefinedInstruction)
        #expect(Self.run(.push(1), gas: 2).0.status == .outOfGas)
        let (r, _) = Self.run(Bytecode(Array(repeating: 0x5f, count: 1025)))
        #expect(r.status == .stackOverflow && r.gasLeft == 0)
    }

    @Test func jumpsLandOnJumpdest() {
        let code = Bytecode.push(4) + .op(.jump) + .op(.invalid) + .op(.jumpdest) + .ret(0, 0)
        #expect(Self.run(code).0.status == .success)
    }

    @Test func forkTablesGateOpcodes() {
        #expect(Self.run(.op(.push0), fork: .london).0.status == .undefinedInstruction)
        #expect(Self.run(.op(.push0), fork: .shanghai).0.status == .success)
        #expect(Self.run(.push(1) + .push(1) + .op(.tstore), fork: .shanghai).0.status == .undefinedInstruction)
        #expect(ForkRules(fork: .constantinople) == nil, "forks before Petersburg are refused, not run wrongly")
    }

    @Test func revertKeepsGasAndReturnsData() {
        let (r, _) = Self.run(.mstore(0, 0xdead) + .revert(30, 2))
        #expect(r.status == .revert)
        #expect(r.output == [0xde, 0xad])
        #expect(r.gasLeft > 0)
    }

    @Test func staticFramesCannotWrite() {
        #expect(Self.run(.sstore(0, 1), isStatic: true).0.status == .staticModeViolation)
        #expect(Self.run(.push(1) + .push(0) + .push(0) + .op(.log1), isStatic: true).0.status == .staticModeViolation)
        #expect(Self.run(.push(1) + .push(1) + .op(.tstore), isStatic: true).0.status == .staticModeViolation)
    }

    @Test func transientStorageAndMcopy() {
        // TSTORE(1, 7); MSTORE(0, TLOAD(1)); MCOPY(dst 32, src 0, 32); RETURN(0, 64)
        let (r, _) = Self.run(.push(7) + .push(1) + .op(.tstore) + .push(1) + .op(.tload) + .push(0) + .op(.mstore)
                              + .push(32) + .push(0) + .push(32) + .op(.mcopy) + .ret(0, 64))
        #expect(r.status == .success)
        #expect(UInt256(bigEndianBytes: r.output[0..<32]) == 7)
        #expect(UInt256(bigEndianBytes: r.output[32..<64]) == 7)
        // Overlapping: MCOPY(dst 1, src 0, 32) moves the word one byte right.
        let (o, _) = Self.run(.mstore(0, 7) + .push(32) + .push(0) + .push(1) + .op(.mcopy) + .ret(0, 64))
        #expect(UInt256(bigEndianBytes: o.output[0..<32]) == .zero)
        #expect(UInt256(bigEndianBytes: o.output[32..<64]) == UInt256(7) << 248)
    }

    @Test func callsForwardAllButOne64th() {
        let host = MockHost()
        let target = Address(Array(repeating: 0xbb, count: 20))!
        host.codes[target] = [0x00]
        // CALL(gas=all, target, 0, 0, 0, 0, 0)
        let code = Bytecode.push(0) + .push(0) + .push(0) + .push(0) + .push(0) + .push(target) + .op(.gas) + .op(.call)
        let (r, h) = Self.run(code, gas: 100_000, host: host)
        #expect(r.status == .success)
        let available = Int64(100_000 - 3 * 6 - 2 - 2_600)
        #expect(h.calls.first?.gas == available - available / 64)
    }

    /// Random bytecode never traps and always ends with a status (a bounded fuzz; the
    /// long run is `tools/fuzz-evm.sh`).
    @Test func randomBytecodeNeverTraps() {
        var rng = SeededGenerator(seed: 0xE7)
        for _ in 0..<3_000 {
            let code = Bytecode(rng.bytes(Int.random(in: 0...200, using: &rng)))
            let (r, _) = Self.run(code, gas: 200_000)
            #expect(r.gasLeft >= 0 && r.gasLeft <= 200_000)
        }
    }
}
