public import Primitives

/// Mnemonics of the opcodes, for traces and disassembly.
public enum OpcodeNames {
    public static func name(_ op: UInt8) -> String {
        switch op {
        case 0x60...0x7f: return "PUSH\(op - 0x5f)"
        case 0x80...0x8f: return "DUP\(op - 0x7f)"
        case 0x90...0x9f: return "SWAP\(op - 0x8f)"
        case 0xa0...0xa4: return "LOG\(op - 0xa0)"
        default: return fixed[op] ?? "opcode 0x\(String(op, radix: 16))"
        }
    }

    private static let fixed: [UInt8: String] = [
        0x00: "STOP", 0x01: "ADD", 0x02: "MUL", 0x03: "SUB", 0x04: "DIV", 0x05: "SDIV", 0x06: "MOD", 0x07: "SMOD",
        0x08: "ADDMOD", 0x09: "MULMOD", 0x0a: "EXP", 0x0b: "SIGNEXTEND", 0x10: "LT", 0x11: "GT", 0x12: "SLT",
        0x13: "SGT", 0x14: "EQ", 0x15: "ISZERO", 0x16: "AND", 0x17: "OR", 0x18: "XOR", 0x19: "NOT", 0x1a: "BYTE",
        0x1b: "SHL", 0x1c: "SHR", 0x1d: "SAR", 0x20: "KECCAK256", 0x30: "ADDRESS", 0x31: "BALANCE", 0x32: "ORIGIN",
        0x33: "CALLER", 0x34: "CALLVALUE", 0x35: "CALLDATALOAD", 0x36: "CALLDATASIZE", 0x37: "CALLDATACOPY",
        0x38: "CODESIZE", 0x39: "CODECOPY", 0x3a: "GASPRICE", 0x3b: "EXTCODESIZE", 0x3c: "EXTCODECOPY",
        0x3d: "RETURNDATASIZE", 0x3e: "RETURNDATACOPY", 0x3f: "EXTCODEHASH", 0x40: "BLOCKHASH", 0x41: "COINBASE",
        0x42: "TIMESTAMP", 0x43: "NUMBER", 0x44: "PREVRANDAO", 0x45: "GASLIMIT", 0x46: "CHAINID", 0x47: "SELFBALANCE",
        0x48: "BASEFEE", 0x49: "BLOBHASH", 0x4a: "BLOBBASEFEE", 0x50: "POP", 0x51: "MLOAD", 0x52: "MSTORE",
        0x53: "MSTORE8", 0x54: "SLOAD", 0x55: "SSTORE", 0x56: "JUMP", 0x57: "JUMPI", 0x58: "PC", 0x59: "MSIZE",
        0x5a: "GAS", 0x5b: "JUMPDEST", 0x5c: "TLOAD", 0x5d: "TSTORE", 0x5e: "MCOPY", 0x5f: "PUSH0", 0xf0: "CREATE",
        0xf1: "CALL", 0xf2: "CALLCODE", 0xf3: "RETURN", 0xf4: "DELEGATECALL", 0xf5: "CREATE2", 0xfa: "STATICCALL",
        0xfd: "REVERT", 0xfe: "INVALID", 0xff: "SELFDESTRUCT",
    ]
}

/// One EIP-3155 trace step, taken before the instruction runs. `gasCost` is the
/// instruction's constant cost (dynamic costs show in the next step's `gas`).
public struct TraceStep: Sendable {
    public var pc: Int
    public var op: UInt8
    public var gas: Int64
    public var gasCost: Int64
    public var memorySize: Int
    public var stack: [UInt256]
    public var depth: Int
    public var refund: Int64

    /// The step as an EIP-3155 JSON line.
    public var jsonLine: String {
        let stackText = stack.map { "\"\($0.hexQuantity)\"" }.joined(separator: ",")
        return "{\"pc\":\(pc),\"op\":\(op),\"gas\":\"\(UInt256(UInt64(max(gas, 0))).hexQuantity)\","
            + "\"gasCost\":\"\(UInt256(UInt64(max(gasCost, 0))).hexQuantity)\",\"memSize\":\(memorySize),"
            + "\"stack\":[\(stackText)],\"depth\":\(depth),\"refund\":\(refund),\"opName\":\"\(OpcodeNames.name(op))\"}"
    }
}

