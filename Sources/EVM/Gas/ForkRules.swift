public import ChainTypes

/// The gas and opcode rules of one fork as plain tables, built once per fork:
/// which opcodes exist, their constant gas, their stack needs, and the
/// fork-dependent constants of the dynamic costs. The interpreter reads these
/// tables instead of asking "which fork?" in its loop (evmone's instruction traits).
///
/// Petersburg and later forks are supported; ``ForkRules/init(fork:)`` returns nil
/// for earlier ones (Constantinople's EIP-1283 SSTORE, and the Byzantium-and-older
/// opcode sets, are not modelled). Before Berlin there is no warm/cold accounting:
/// the account and storage opcodes cost their flat EIP-150/EIP-1884 prices from
/// the static table, and ``chargesColdAccess`` is false.
public struct ForkRules: Sendable {
    public let fork: Fork
    /// Constant gas per opcode; -1 marks an opcode undefined in this fork.
    let staticGas: [Int32]
    /// Items an opcode pops (stack underflow below this).
    let stackInputs: [UInt8]
    /// Net stack growth of an opcode (overflow check).
    let stackGrowth: [Int8]

    // EIP-2929 (Berlin); charged only when ``chargesColdAccess``.
    static let warmAccess: Int64 = 100
    static let coldAccountExtra: Int64 = 2_500      // 2600 - 100
    static let coldSloadExtra: Int64 = 2_000        // 2100 - 100
    static let coldSload: Int64 = 2_100
    // SSTORE (Yellow Paper G_sset; EIP-2200 sentry)
    static let sstoreSet: Int64 = 20_000
    static let sstoreSentry: Int64 = 2_300

    /// EIP-2929 (Berlin): account and slot accesses are tracked, and the first access of
    /// each in a transaction pays the cold surcharge. False before Berlin, where the static
    /// table holds the whole (flat) price. A stored flag, so the check is one load.
    public let chargesColdAccess: Bool
    /// EIP-2200 (Istanbul): SSTORE net gas metering against the slot's original value,
    /// with the 2,300-gas sentry. False in Petersburg, which prices by current value only.
    let sstoreNetMetering: Bool
    /// EIP-2200's SLOAD_GAS: what a no-op or dirty-slot SSTORE costs under net metering, and
    /// the basis of its restore refunds: 800 in Istanbul (EIP-1884), the warm read 100 from
    /// Berlin (EIP-2929). (200 in Petersburg, where it is unused.)
    let sstoreNoopGas: Int64
    /// SSTORE of a clean non-zero slot: 5,000 before Berlin, 2,900 (5,000 − COLD_SLOAD) from
    /// Berlin, where the cold surcharge is added separately.
    let sstoreResetGas: Int64
    /// The refund for clearing a slot: 15,000 before London, 4,800 from London (EIP-3529).
    let sstoreClearRefund: Int64
    /// SELFDESTRUCT's refund: 24,000 before London, none after (EIP-3529).
    let selfDestructRefund: Int64
    /// The refund cap divisor: gasUsed/2 before London, gasUsed/5 after (EIP-3529).
    public let maxRefundQuotient: Int64
    /// EIP-3860 (Shanghai): initcode metering and limit.
    let initcodeWordGas: Int64
    public let maxInitcodeSize: Int?
    /// EIP-170 (Spurious Dragon).
    public static let maxCodeSize = 24_576
    /// EIP-3541 (London): new code may not start with 0xEF.
    public let rejectsEFCode: Bool
    /// EIP-6780 (Cancun): SELFDESTRUCT deletes only contracts created in the same transaction.
    public let selfDestructOnlyInCreatingTransaction: Bool
    /// EIP-3651 (Shanghai): the coinbase starts warm.
    public let warmCoinbase: Bool

    public init?(fork: Fork) {
        guard fork >= .petersburg else { return nil }
        self.fork = fork
        var gas = [Int32](repeating: -1, count: 256)
        var inputs = [UInt8](repeating: 0, count: 256)
        var growth = [Int8](repeating: 0, count: 256)
        func op(_ code: UInt8, _ g: Int32, _ pops: UInt8, _ pushes: UInt8) {
            gas[Int(code)] = g; inputs[Int(code)] = pops; growth[Int(code)] = Int8(pushes) - Int8(pops)
        }
        op(0x00, 0, 0, 0)                                         // STOP
        for (c, g) in [(0x01, 3), (0x02, 5), (0x03, 3), (0x04, 5), (0x05, 5), (0x06, 5), (0x07, 5)] as [(UInt8, Int32)] {
            op(c, g, 2, 1)                                        // ADD MUL SUB DIV SDIV MOD SMOD
        }
        op(0x08, 8, 3, 1); op(0x09, 8, 3, 1)                      // ADDMOD MULMOD
        op(0x0a, 10, 2, 1); op(0x0b, 5, 2, 1)                     // EXP SIGNEXTEND
        for c in UInt8(0x10)...0x14 { op(c, 3, 2, 1) }            // LT GT SLT SGT EQ
        op(0x15, 3, 1, 1)                                         // ISZERO
        for c in UInt8(0x16)...0x18 { op(c, 3, 2, 1) }            // AND OR XOR
        op(0x19, 3, 1, 1); op(0x1a, 3, 2, 1)                      // NOT BYTE
        op(0x1b, 3, 2, 1); op(0x1c, 3, 2, 1); op(0x1d, 3, 2, 1)   // SHL SHR SAR
        op(0x20, 30, 2, 1)                                        // KECCAK256
        // Flat prices of the account and storage reads before EIP-2929 made them 100 + a cold surcharge:
        // EIP-150 (Tangerine Whistle), EIP-1052 (EXTCODEHASH, Constantinople), EIP-1884 (Istanbul).
        let berlin = fork >= .berlin, istanbul = fork >= .istanbul
        let balanceGas: Int32 = berlin ? 100 : istanbul ? 700 : 400
        let extCodeGas: Int32 = berlin ? 100 : 700                 // EXTCODESIZE, EXTCODECOPY
        let extCodeHashGas: Int32 = berlin ? 100 : istanbul ? 700 : 400
        let sloadGas: Int32 = berlin ? 100 : istanbul ? 800 : 200
        let callGas: Int32 = berlin ? 100 : 700                    // CALL CALLCODE DELEGATECALL STATICCALL
        op(0x30, 2, 0, 1); op(0x31, balanceGas, 1, 1)             // ADDRESS BALANCE
        op(0x32, 2, 0, 1); op(0x33, 2, 0, 1); op(0x34, 2, 0, 1)   // ORIGIN CALLER CALLVALUE
        op(0x35, 3, 1, 1); op(0x36, 2, 0, 1); op(0x37, 3, 3, 0)   // CALLDATALOAD CALLDATASIZE CALLDATACOPY
        op(0x38, 2, 0, 1); op(0x39, 3, 3, 0); op(0x3a, 2, 0, 1)   // CODESIZE CODECOPY GASPRICE
        op(0x3b, extCodeGas, 1, 1); op(0x3c, extCodeGas, 4, 0)    // EXTCODESIZE EXTCODECOPY
        op(0x3d, 2, 0, 1); op(0x3e, 3, 3, 0); op(0x3f, extCodeHashGas, 1, 1) // RETURNDATASIZE RETURNDATACOPY EXTCODEHASH
        op(0x40, 20, 1, 1)                                        // BLOCKHASH
        for c in UInt8(0x41)...0x45 { op(c, 2, 0, 1) }            // COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT
        if istanbul { op(0x46, 2, 0, 1); op(0x47, 5, 0, 1) }      // CHAINID (EIP-1344) SELFBALANCE (EIP-1884)
        if fork >= .london { op(0x48, 2, 0, 1) }                  // BASEFEE (EIP-3198)
        if fork >= .cancun { op(0x49, 3, 1, 1); op(0x4a, 2, 0, 1) } // BLOBHASH BLOBBASEFEE
        op(0x50, 2, 1, 0); op(0x51, 3, 1, 1); op(0x52, 3, 2, 0); op(0x53, 3, 2, 0) // POP MLOAD MSTORE MSTORE8
        op(0x54, sloadGas, 1, 1); op(0x55, 0, 2, 0)               // SLOAD SSTORE (dynamic)
        op(0x56, 8, 1, 0); op(0x57, 10, 2, 0)                     // JUMP JUMPI
        op(0x58, 2, 0, 1); op(0x59, 2, 0, 1); op(0x5a, 2, 0, 1); op(0x5b, 1, 0, 0) // PC MSIZE GAS JUMPDEST
        if fork >= .cancun { op(0x5c, 100, 1, 1); op(0x5d, 100, 2, 0); op(0x5e, 3, 3, 0) } // TLOAD TSTORE MCOPY
        if fork >= .shanghai { op(0x5f, 2, 0, 1) }                // PUSH0 (EIP-3855)
        for c in UInt8(0x60)...0x7f { op(c, 3, 0, 1) }            // PUSH1…PUSH32
        for i in UInt8(0)..<16 {
            op(0x80 + i, 3, i + 1, i + 2)                         // DUP1…DUP16
            op(0x90 + i, 3, i + 2, i + 2)                         // SWAP1…SWAP16
        }
        for n in UInt8(0)...4 { op(0xa0 + n, 375 * (1 + Int32(n)), 2 + n, 0) } // LOG0…LOG4
        op(0xf0, 32_000, 3, 1); op(0xf1, callGas, 7, 1); op(0xf2, callGas, 7, 1) // CREATE CALL CALLCODE
        op(0xf3, 0, 2, 0); op(0xf4, callGas, 6, 1); op(0xf5, 32_000, 4, 1)       // RETURN DELEGATECALL CREATE2
        op(0xfa, callGas, 6, 1); op(0xfd, 0, 2, 0); op(0xfe, 0, 0, 0); op(0xff, 5_000, 1, 0) // STATICCALL REVERT INVALID SELFDESTRUCT
        staticGas = gas; stackInputs = inputs; stackGrowth = growth

        chargesColdAccess = berlin
        sstoreNetMetering = istanbul
        sstoreNoopGas = Int64(sloadGas)
        sstoreResetGas = berlin ? 5_000 - ForkRules.coldSload : 5_000
        sstoreClearRefund = fork >= .london ? 4_800 : 15_000
        selfDestructRefund = fork >= .london ? 0 : 24_000
        maxRefundQuotient = fork >= .london ? 5 : 2
        initcodeWordGas = fork >= .shanghai ? 2 : 0
        maxInitcodeSize = fork >= .shanghai ? 2 * ForkRules.maxCodeSize : nil
        rejectsEFCode = fork >= .london
        selfDestructOnlyInCreatingTransaction = fork >= .cancun
        warmCoinbase = fork >= .shanghai
    }

    /// Whether `opcode` exists in this fork.
    public func isDefined(_ opcode: UInt8) -> Bool { staticGas[Int(opcode)] >= 0 }
}
