public import Primitives
import Trie

/// The outcome of one transaction: RLP `[status, cumulativeGasUsed, logsBloom, logs]`,
/// prefixed by the transaction type byte for typed transactions (EIP-2718).
///
/// Before Byzantium the first field was the intermediate state root instead of a
/// status (EIP-658); both forms decode, and ``outcome`` says which this is.
public struct Receipt: Sendable, Hashable {
    /// Status (Byzantium and later) or intermediate state root (earlier).
    public enum Outcome: Sendable, Hashable {
        case status(succeeded: Bool)
        case postState(Hash32)
    }

    public var type: TransactionType
    public var outcome: Outcome
    public var cumulativeGasUsed: UInt64
    public var logsBloom: Bloom
    public var logs: [Log]

    public init(type: TransactionType, succeeded: Bool, cumulativeGasUsed: UInt64, logs: [Log]) {
        self.type = type; self.outcome = .status(succeeded: succeeded); self.cumulativeGasUsed = cumulativeGasUsed
        self.logs = logs; self.logsBloom = Bloom(logs: logs)
    }

    public init(type: TransactionType, outcome: Outcome, cumulativeGasUsed: UInt64, logsBloom: Bloom, logs: [Log]) {
        self.type = type; self.outcome = outcome; self.cumulativeGasUsed = cumulativeGasUsed
        self.logsBloom = logsBloom; self.logs = logs
    }

    /// Whether the transaction succeeded (a pre-Byzantium receipt does not say; it reports true).
    public var succeeded: Bool {
        if case .status(let ok) = outcome { return ok }
        return true
    }

    /// The consensus encoding: `rlp(fields)` for legacy, `type ‖ rlp(fields)` for typed.
    /// This is the value stored in the receipts trie.
    public var consensusEncoding: [UInt8] {
        var e = RLPEncoder(capacity: 300 + logs.count * 100)
        e.appendList { e in
            switch outcome {
            case .status(let ok): e.append(ok ? UInt64(1) : 0)
            case .postState(let root): e.append(root)
            }
            e.append(cumulativeGasUsed)
            e.appendBytes(logsBloom.bytes)
            e.appendList { e in for log in logs { e.append(log) } }
        }
        return type == .legacy ? e.bytes : [type.rawValue] + e.bytes
    }

    /// Decodes the consensus encoding.
    public init(consensusEncoding bytes: [UInt8]) throws(ReceiptError) {
        guard let first = bytes.first else { throw .rlp(.unexpectedEnd(offset: 0)) }
        var payload = bytes
        if first < 0x80 {
            guard let t = TransactionType(rawValue: first), t != .legacy else { throw .unsupportedType(first) }
            type = t
            payload = Array(bytes.dropFirst())
        } else {
            type = .legacy
        }
        do {
            var r = RLPReader(payload)
            var f = try r.readList()
            let status = try f.readBytes()
            switch status.count {
            case 0: outcome = .status(succeeded: false)
            case 1 where status.first == 1: outcome = .status(succeeded: true)
            case 32: outcome = .postState(Hash32(status)!)
            default: throw ReceiptError.invalidStatus(status.count)
            }
            cumulativeGasUsed = try f.readUInt64()
            let bloomBytes = try f.readBytes()
            guard let bloom = Bloom(bloomBytes) else {
                throw RLPError.wrongLength(offset: 0, got: bloomBytes.count, expected: Bloom.byteCount)
            }
            logsBloom = bloom
            var l = try f.readList()
            var logs: [Log] = []
            while !l.isAtEnd { logs.append(try Log(from: &l)) }
            self.logs = logs
            try f.finish()
            try r.finish()
        } catch let e as RLPError {
            throw .rlp(e)
        } catch let e as ReceiptError {
            throw e
        } catch {
            throw .rlp(.unexpectedEnd(offset: 0))
        }
    }

    /// The receipts root of a block: the ordered trie of consensus encodings.
    public static func root(of receipts: [Receipt]) -> Hash32 {
        OrderedRoot.compute(receipts.map(\.consensusEncoding))
    }
}

/// Why bytes are not a receipt.
public enum ReceiptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Malformed or non-canonical RLP.
    case rlp(RLPError)
    /// A type byte this chain does not know.
    case unsupportedType(UInt8)
    /// The status field is neither empty, `0x01`, nor a 32-byte state root.
    case invalidStatus(Int)

    public var description: String {
        switch self {
        case .rlp(let e): "receipt: \(e)"
        case .unsupportedType(let t): "receipt: unsupported type 0x\(String(t, radix: 16))"
        case .invalidStatus(let n): "receipt: status field of \(n) bytes"
        }
    }
}
