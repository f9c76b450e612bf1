public import Primitives
public import ChainTypes

/// The host's request to execute a block's `0x40` transactions (CONFIDENTIAL.md section 8,
/// step 1). Everything in it is public; the enclave checks what it can against its own
/// verified chain (the parent, the nearest ancestor section) and derives the rest itself
/// (flags, epoch, the generation it writes with). Trie nodes of the parent's encrypted
/// state are asked for during the execution (``EnclaveReply/needTrieNode(_:)``) and checked
/// against their hashes.
public struct ExecuteBlockRequest: Sendable, Equatable {
    public var context: ExecContext
    public var parentHash: Hash32
    /// The generation the host reads as current at the parent.
    public var generation: UInt32
    /// The parent's encrypted state root as the host has it.
    public var parentEncStateRoot: Hash32
    /// RLP of the nearest ancestor section (empty when no ancestor has one), for the enclave
    /// to match against that block's vanity.
    public var ancestorSection: [UInt8]
    /// The `0x40` transactions' network encodings, in body order.
    public var transactions: [[UInt8]]
    /// Re-execution of a block already on the chain (section 8, step 3): the parent may be
    /// any block of the verified chain, the author any authority, the generation the one the
    /// block's section names; the reply carries no statement (it only serves the comparison).
    public var reexecution: Bool

    public init(context: ExecContext, parentHash: Hash32, generation: UInt32, parentEncStateRoot: Hash32,
                ancestorSection: [UInt8], transactions: [[UInt8]], reexecution: Bool = false) {
        self.context = context; self.parentHash = parentHash; self.generation = generation
        self.parentEncStateRoot = parentEncStateRoot; self.ancestorSection = ancestorSection; self.transactions = transactions
        self.reexecution = reexecution
    }

    static func writeContext(_ context: ExecContext, to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(context.author)
            e.append(context.number)
            e.append(context.gasLimit)
            e.append(context.timestamp)
            e.append(context.difficulty)
            e.append(context.mixDigest)
            e.append(context.baseFeePerGas)
        }
    }

    static func readContext(from r: inout RLPReader) throws -> ExecContext {
        var c = try r.readList()
        let context = ExecContext(author: try c.readFixed(Address.self), number: try c.readUInt64(), gasLimit: try c.readUInt64(),
                                  timestamp: try c.readUInt64(), difficulty: try c.readUInt256(), mixDigest: try c.readFixed(Hash32.self),
                                  baseFeePerGas: try c.readUInt256())
        try c.finish()
        return context
    }

    func write(to e: inout RLPEncoder) {
        Self.writeContext(context, to: &e)
        e.appendBytes(parentHash.bytes)
        e.append(UInt64(generation))
        e.appendBytes(parentEncStateRoot.bytes)
        e.appendBytes(ancestorSection)
        e.appendList { e in for tx in transactions { e.appendBytes(tx) } }
        e.append(UInt64(reexecution ? 1 : 0))
    }

    static func read(from r: inout RLPReader, type: UInt8) throws -> ExecuteBlockRequest {
        let context = try readContext(from: &r)
        let parentHash = try r.readFixed(Hash32.self)
        let generation = try HostRequest.generation(try r.readUInt64(), type: type)
        let root = try r.readFixed(Hash32.self)
        let ancestor = Array(try r.readBytes())
        var list = try r.readList()
        var txs: [[UInt8]] = []
        while !list.isAtEnd { txs.append(Array(try list.readBytes())) }
        let mode = try r.readUInt64()
        guard mode <= 1 else { throw FrameError.malformedPayload(type: type, reason: "execution mode \(mode), expected 0 or 1") }
        return ExecuteBlockRequest(context: context, parentHash: parentHash, generation: generation, parentEncStateRoot: root,
                                   ancestorSection: ancestor, transactions: txs, reexecution: mode == 1)
    }
}
