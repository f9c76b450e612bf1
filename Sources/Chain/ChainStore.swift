public import Primitives
public import ChainTypes
public import Storage
public import Consensus
import State

/// Blocks, receipts, total difficulties and the canonical index in a data directory.
///
/// Reads go to a fresh snapshot of the store (safe from any thread); the static
/// `write…` functions take the caller's write batch so a block's records land
/// atomically with its state. A header read back is trusted to hash to its key
/// (it was verified before it was written).
public struct ChainStore: HeaderReader {
    let store: any KeyValueStore
    public let config: ChainConfig

    public init(store: any KeyValueStore, config: ChainConfig) { self.store = store; self.config = config }

    public func header(hash: Hash32) -> SealedHeader? { try? Self.header(hash: hash, in: store.snapshot()) }

    /// Like ``header(hash:)`` but a storage or decoding failure is thrown, not read as absence.
    func readHeader(hash: Hash32) throws -> SealedHeader? { try Self.header(hash: hash, in: store.snapshot()) }

    // MARK: Reads inside any reader

    static func header(hash: Hash32, in r: any StorageReader) throws -> SealedHeader? {
        guard let bytes = try r.get(Tables.headers, hash.bytes) else { return nil }
        do { return SealedHeader(header: try Header(rlp: bytes), hashUnchecked: hash) } catch {
            throw BlockImportError.corrupt("header \(hash): \(error)")
        }
    }

    static func body(hash: Hash32, in r: any StorageReader) throws -> (transactions: [SignedTransaction], ommers: [Header])? {
        guard let bytes = try r.get(Tables.bodies, hash.bytes) else { return nil }
        do {
            var reader = RLPReader(bytes)
            var list = try reader.readList()
            var txList = try list.readList()
            var txs: [SignedTransaction] = []
            while !txList.isAtEnd { txs.append(try SignedTransaction.read(from: &txList)) }
            var ommerList = try list.readList()
            var ommers: [Header] = []
            while !ommerList.isAtEnd { ommers.append(try Header(from: &ommerList)) }
            return (txs, ommers)
        } catch {
            throw BlockImportError.corrupt("body \(hash): \(error)")
        }
    }

    static func receipts(hash: Hash32, in r: any StorageReader) throws -> [Receipt]? {
        guard let bytes = try r.get(Tables.receipts, hash.bytes) else { return nil }
        do {
            var reader = RLPReader(bytes)
            var list = try reader.readList()
            var receipts: [Receipt] = []
            while !list.isAtEnd {
                var item = try list.readList()
                let typeByte = try item.readUInt64()
                guard typeByte <= 0xff, let type = TransactionType(rawValue: UInt8(typeByte)) else {
                    throw BlockImportError.corrupt("receipts \(hash): transaction type \(typeByte)")
                }
                let outcomeBytes = Array(try item.readBytes())
                let outcome: Receipt.Outcome
                if outcomeBytes.count == 32, let root = Hash32(outcomeBytes) {
                    outcome = .postState(root)
                } else {
                    outcome = .status(succeeded: outcomeBytes == [1])
                }
                let cumulative = try item.readUInt64()
                var logList = try item.readList()
                var logs: [Log] = []
                while !logList.isAtEnd { logs.append(try Log(from: &logList)) }
                try item.finish()
                receipts.append(Receipt(type: type, outcome: outcome, cumulativeGasUsed: cumulative,
                                        logsBloom: Bloom(logs: logs), logs: logs))
            }
            return receipts
        } catch {
            throw BlockImportError.corrupt("receipts \(hash): \(error)")
        }
    }

    static func canonicalHash(_ number: UInt64, in r: any StorageReader) throws -> Hash32? {
        try r.get(Tables.canonical, BlockKeys.number(number)).flatMap { Hash32($0) }
    }

    static func totalDifficulty(_ hash: Hash32, in r: any StorageReader) throws -> UInt256? {
        if let bytes = try r.get(Tables.totalDifficulty, hash.bytes) { return UInt256(bigEndianBytes: bytes) }
        // A genesis written before total difficulties were recorded: its own difficulty.
        if let genesis = try canonicalHash(0, in: r), genesis == hash { return try header(hash: hash, in: r)?.header.difficulty }
        return nil
    }

    static func headHash(in r: any StorageReader) throws -> Hash32? {
        if let bytes = try r.get(Tables.meta, BlockKeys.headBlock) { return Hash32(bytes) }
        return try canonicalHash(0, in: r)
    }

    static func transactionLocation(_ hash: Hash32, in r: any StorageReader) throws -> (block: Hash32, index: Int)? {
        guard let bytes = try r.get(Tables.transactionLookup, hash.bytes), bytes.count == 36,
              let block = Hash32(bytes[0..<32]) else { return nil }
        let index = bytes[32..<36].reduce(0) { $0 << 8 | Int($1) }
        return (block, index)
    }

    // MARK: Writes inside the caller's batch

    /// Header, body, receipts and total difficulty of a verified block (canonical or not).
    /// Receipts: `[[type, status (0x01 or empty) | post-state root, cumulative gas, logs]…]`.
    static func writeBlock(_ block: Block, hash: Hash32, receipts: [Receipt], totalDifficulty: UInt256,
                           in w: any StorageWriter) throws {
        try w.put(Tables.headers, hash.bytes, block.header.rlpEncoded)
        var body = RLPEncoder()
        body.appendList { e in
            e.appendList { e in for tx in block.transactions { e.append(tx) } }
            e.appendList { e in for o in block.ommers { e.append(o) } }
        }
        try w.put(Tables.bodies, hash.bytes, body.bytes)
        // Receipts are stored without their blooms (256 bytes each, recomputed from the logs on read).
        var r = RLPEncoder()
        r.appendList { e in
            for receipt in receipts {
                e.appendList { e in
                    e.append(UInt64(receipt.type.rawValue))
                    switch receipt.outcome {
                    case .status(let ok): e.appendBytes(ok ? [1] : [])
                    case .postState(let root): e.append(root)
                    }
                    e.append(receipt.cumulativeGasUsed)
                    e.appendList { e in for log in receipt.logs { e.append(log) } }
                }
            }
        }
        try w.put(Tables.receipts, hash.bytes, r.bytes)
        try w.put(Tables.totalDifficulty, hash.bytes, totalDifficulty.minimalBigEndianBytes)
        try w.put(Tables.blockNumbers, hash.bytes, BlockKeys.number(block.header.number))
    }

    /// Makes `hash` the canonical block at its number and indexes its transactions.
    static func markCanonical(number: UInt64, hash: Hash32, transactions: [SignedTransaction], in w: any StorageWriter) throws {
        try w.put(Tables.canonical, BlockKeys.number(number), hash.bytes)
        for (i, tx) in transactions.enumerated() {
            let index = UInt32(i)
            try w.put(Tables.transactionLookup, tx.hash.bytes,
                      hash.bytes + [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16),
                                    UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)])
        }
    }

    /// Removes the canonical entry at `number` and the lookups of its transactions.
    static func unmarkCanonical(number: UInt64, transactions: [SignedTransaction], in w: any StorageWriter) throws {
        try w.delete(Tables.canonical, BlockKeys.number(number))
        for tx in transactions { try w.delete(Tables.transactionLookup, tx.hash.bytes) }
    }

    static func setHead(_ hash: Hash32, in w: any StorageWriter) throws {
        try w.put(Tables.meta, BlockKeys.headBlock, hash.bytes)
    }
}
