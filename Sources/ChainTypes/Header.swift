public import Primitives

/// A block header in Ethereum's wire format.
///
/// The first 15 fields are the pre-London format; `baseFeePerGas` makes the
/// London format (16 fields), and the later optional fields (Shanghai's
/// `withdrawalsRoot`, Cancun's blob gas fields and beacon root) are carried when
/// present so foreign headers round-trip exactly. Which format a block *must*
/// have is decided by the chain configuration (``ChainConfig``), not here.
/// The hash is Keccak-256 of the RLP; ``SealedHeader`` keeps it with the header.
public struct Header: Sendable, Hashable, RLPEncodable {
    public var parentHash: Hash32
    public var ommersHash: Hash32
    public var beneficiary: Address
    public var stateRoot: Hash32
    public var transactionsRoot: Hash32
    public var receiptsRoot: Hash32
    public var logsBloom: Bloom
    public var difficulty: UInt256
    public var number: UInt64
    public var gasLimit: UInt64
    public var gasUsed: UInt64
    public var timestamp: UInt64
    public var extraData: [UInt8]
    public var mixHash: Hash32
    /// The 8-byte nonce as a big-endian integer (Clique: the vote, all ones or zero).
    public var nonce: UInt64
    /// EIP-1559 (London).
    public var baseFeePerGas: UInt256?
    /// EIP-4895 (Shanghai).
    public var withdrawalsRoot: Hash32?
    /// EIP-4844 (Cancun).
    public var blobGasUsed: UInt64?
    public var excessBlobGas: UInt64?
    /// EIP-4788 (Cancun).
    public var parentBeaconBlockRoot: Hash32?

    public init(parentHash: Hash32 = .zero, ommersHash: Hash32 = .emptyListHash, beneficiary: Address = .zero,
                stateRoot: Hash32 = .emptyTrieRoot, transactionsRoot: Hash32 = .emptyTrieRoot,
                receiptsRoot: Hash32 = .emptyTrieRoot, logsBloom: Bloom = Bloom(), difficulty: UInt256 = .zero,
                number: UInt64 = 0, gasLimit: UInt64 = 0, gasUsed: UInt64 = 0, timestamp: UInt64 = 0,
                extraData: [UInt8] = [], mixHash: Hash32 = .zero, nonce: UInt64 = 0, baseFeePerGas: UInt256? = nil,
                withdrawalsRoot: Hash32? = nil, blobGasUsed: UInt64? = nil, excessBlobGas: UInt64? = nil,
                parentBeaconBlockRoot: Hash32? = nil) {
        self.parentHash = parentHash; self.ommersHash = ommersHash; self.beneficiary = beneficiary
        self.stateRoot = stateRoot; self.transactionsRoot = transactionsRoot; self.receiptsRoot = receiptsRoot
        self.logsBloom = logsBloom; self.difficulty = difficulty; self.number = number; self.gasLimit = gasLimit
        self.gasUsed = gasUsed; self.timestamp = timestamp; self.extraData = extraData; self.mixHash = mixHash
        self.nonce = nonce; self.baseFeePerGas = baseFeePerGas; self.withdrawalsRoot = withdrawalsRoot
        self.blobGasUsed = blobGasUsed; self.excessBlobGas = excessBlobGas
        self.parentBeaconBlockRoot = parentBeaconBlockRoot
    }

    /// Keccak-256 of the header's RLP.
    public var hash: Hash32 { Keccak256.hash(rlpEncoded) }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(parentHash); e.append(ommersHash); e.append(beneficiary); e.append(stateRoot)
            e.append(transactionsRoot); e.append(receiptsRoot); e.appendBytes(logsBloom.bytes)
            e.append(difficulty); e.append(number); e.append(gasLimit); e.append(gasUsed); e.append(timestamp)
            e.appendBytes(extraData)
            e.append(mixHash)
            var nonceBytes = [UInt8](repeating: 0, count: 8)
            for i in 0..<8 { nonceBytes[i] = UInt8(truncatingIfNeeded: nonce >> (56 - 8 * i)) }
            e.appendBytes(nonceBytes)
            encodeOptionalFields(to: &e)
        }
    }

    /// The optional trailing fields, stopping at the first absent one.
    private func encodeOptionalFields(to e: inout RLPEncoder) {
        guard let baseFeePerGas else { return }
        e.append(baseFeePerGas)
        guard let withdrawalsRoot else { return }
        e.append(withdrawalsRoot)
        guard let blobGasUsed, let excessBlobGas else { return }
        e.append(blobGasUsed); e.append(excessBlobGas)
        guard let parentBeaconBlockRoot else { return }
        e.append(parentBeaconBlockRoot)
    }

    /// Decodes a header's RLP strictly (15 to 20 fields).
    public init(rlp bytes: [UInt8]) throws(RLPError) {
        var r = RLPReader(bytes)
        try self.init(from: &r)
        try r.finish()
    }

    /// Reads one header item.
    public init(from reader: inout RLPReader) throws(RLPError) {
        var f = try reader.readList()
        parentHash = try f.readFixed(Hash32.self)
        ommersHash = try f.readFixed(Hash32.self)
        beneficiary = try f.readFixed(Address.self)
        stateRoot = try f.readFixed(Hash32.self)
        transactionsRoot = try f.readFixed(Hash32.self)
        receiptsRoot = try f.readFixed(Hash32.self)
        let bloomOffset = f.position
        let bloomBytes = try f.readBytes()
        guard let bloom = Bloom(bloomBytes) else {
            throw .wrongLength(offset: bloomOffset, got: bloomBytes.count, expected: Bloom.byteCount)
        }
        logsBloom = bloom
        difficulty = try f.readUInt256()
        number = try f.readUInt64()
        gasLimit = try f.readUInt64()
        gasUsed = try f.readUInt64()
        timestamp = try f.readUInt64()
        extraData = Array(try f.readBytes())
        mixHash = try f.readFixed(Hash32.self)
        let nonceOffset = f.position
        let nonceBytes = try f.readBytes()
        guard nonceBytes.count == 8 else { throw .wrongLength(offset: nonceOffset, got: nonceBytes.count, expected: 8) }
        nonce = nonceBytes.reduce(0) { $0 << 8 | UInt64($1) }
        baseFeePerGas = f.isAtEnd ? nil : try f.readUInt256()
        withdrawalsRoot = f.isAtEnd ? nil : try f.readFixed(Hash32.self)
        if f.isAtEnd {
            blobGasUsed = nil; excessBlobGas = nil
        } else {
            blobGasUsed = try f.readUInt64()
            excessBlobGas = try f.readUInt64()
        }
        parentBeaconBlockRoot = f.isAtEnd ? nil : try f.readFixed(Hash32.self)
        try f.finish()
    }
}

/// A header together with its hash, computed once.
public struct SealedHeader: Sendable, Hashable {
    public let header: Header
    public let hash: Hash32

    public init(_ header: Header) { self.header = header; self.hash = header.hash }

    /// Trusts a hash computed elsewhere (e.g. read back from our own database).
    public init(header: Header, hashUnchecked hash: Hash32) { self.header = header; self.hash = hash }
}
