import Primitives

/// Code prepared for execution: padded so every PUSH can read its full immediate
/// and the code ends on STOP, with a bitmap of valid jump destinations
/// (JUMPDEST bytes that are not inside PUSH data). Built once per code and
/// shared (immutable, `Sendable`).
public final class AnalyzedCode: Sendable {
    /// The code followed by 33 zero bytes (STOP plus the longest PUSH immediate).
    let padded: [UInt8]
    /// The original code length.
    public let count: Int
    /// Bit i set when byte i is a JUMPDEST opcode.
    let jumpdests: [UInt64]

    public init(_ code: [UInt8]) {
        count = code.count
        padded = code + [UInt8](repeating: 0, count: 33)
        var bits = [UInt64](repeating: 0, count: (code.count + 63) / 64 + 1)
        var i = 0
        while i < code.count {
            let op = code[i]
            if op == 0x5b {
                bits[i >> 6] |= 1 << UInt64(i & 63)
            } else if op >= 0x60 && op <= 0x7f {
                i += Int(op - 0x5f)
            }
            i += 1
        }
        jumpdests = bits
    }

    /// Bytes this analysis keeps alive (padded code and bitmap).
    var retainedBytes: Int { padded.count + jumpdests.count * 8 }

    /// Whether `destination` is a valid jump target.
    @inline(__always)
    func isJumpdest(_ destination: Int) -> Bool {
        guard destination >= 0 && destination < count else { return false }
        return jumpdests[destination >> 6] & (1 << UInt64(destination & 63)) != 0
    }
}
