public import Primitives

/// A small bytecode builder for readable EVM tests (after evmone's `bytecode`):
/// `Bytecode.push(1) + .push(2) + .op(.add)`.
public struct Bytecode: Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }

    /// Opcodes by name (the ones tests use; any byte works through `raw`).
    public enum Op: UInt8, Sendable {
        case stop = 0x00, add = 0x01, mul = 0x02, sub = 0x03, div = 0x04, exp = 0x0a
        case lt = 0x10, eq = 0x14, iszero = 0x15, keccak256 = 0x20
        case address = 0x30, balance = 0x31, caller = 0x33, callvalue = 0x34, calldataload = 0x35, calldatasize = 0x36
        case returndatasize = 0x3d, returndatacopy = 0x3e
        case pop = 0x50, mload = 0x51, mstore = 0x52, mstore8 = 0x53, sload = 0x54, sstore = 0x55
        case jump = 0x56, jumpi = 0x57, pc = 0x58, msize = 0x59, gas = 0x5a, jumpdest = 0x5b
        case tload = 0x5c, tstore = 0x5d, mcopy = 0x5e, push0 = 0x5f
        case dup1 = 0x80, swap1 = 0x90, log0 = 0xa0, log1 = 0xa1
        case create = 0xf0, call = 0xf1, `return` = 0xf3, delegatecall = 0xf4, create2 = 0xf5, staticcall = 0xfa
        case revert = 0xfd, invalid = 0xfe, selfdestruct = 0xff
    }

    /// The shortest PUSHn of `value` (PUSH1 0 for zero; use `.op(.push0)` for PUSH0).
    public static func push(_ value: UInt256) -> Bytecode {
        let bytes = value.isZero ? [0] : value.minimalBigEndianBytes
        return Bytecode([0x5f + UInt8(bytes.count)] + bytes)
    }

    public static func push(_ value: Int) -> Bytecode { push(UInt256(value)) }
    public static func push(_ address: Address) -> Bytecode { Bytecode([0x73] + address.bytes) }
    public static func op(_ op: Op) -> Bytecode { Bytecode([op.rawValue]) }
    public static func raw(_ bytes: [UInt8]) -> Bytecode { Bytecode(bytes) }

    /// MSTORE(offset, value).
    public static func mstore(_ offset: Int, _ value: UInt256) -> Bytecode { push(value) + push(offset) + op(.mstore) }
    /// SSTORE(key, value).
    public static func sstore(_ key: Int, _ value: Int) -> Bytecode { push(value) + push(key) + op(.sstore) }
    /// RETURN(offset, size).
    public static func ret(_ offset: Int, _ size: Int) -> Bytecode { push(size) + push(offset) + op(.return) }
    /// REVERT(offset, size).
    public static func revert(_ offset: Int, _ size: Int) -> Bytecode { push(size) + push(offset) + op(.revert) }

    public static func + (a: Bytecode, b: Bytecode) -> Bytecode { Bytecode(a.bytes + b.bytes) }

    public var description: String { Hex.encode(bytes) }
}
