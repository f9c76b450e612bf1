public import Primitives

/// A transaction with its signature and hash: what travels on the network and in blocks.
///
/// Immutable and `Sendable` (safe to share between tasks). Guarantees: the y parity is 0 or 1, so the transaction always has a
/// network encoding that decodes back to it, and ``hash`` is Keccak-256 of that
/// encoding (computed once, at construction). It does **not** guarantee validity under
/// a fork or that a sender recovers: ask ``validate(for:chainID:)`` and
/// ``recovered(for:chainID:)``, which return a ``RecoveredTransaction``.
///
/// Two encodings (EIP-2718):
/// - ``networkEncoding``: a legacy transaction is its RLP list; a typed one is
///   `type || rlp(payload)`. This is what the transaction hash, the transactions trie and
///   `eth_sendRawTransaction` use.
/// - The RLP item in a block body (``encode(to:)``, ``read(from:)``): a legacy
///   transaction is the same list; a typed one is an RLP *string* wrapping its network encoding.
///
/// Decoding is strict and never traps: non-canonical RLP, integers with leading zeros or
/// wider than their field, a `to` that is neither empty nor 20 bytes, wrong field counts,
/// trailing bytes, unknown type bytes, a typed `yParity` other than 0/1, and a legacy `v`
/// other than 27/28 or 35 + 2·chainId + {0, 1} all give a ``TransactionError``.
public struct SignedTransaction: Hashable, Sendable, RLPEncodable {
    /// The signed content.
    public let transaction: Transaction
    /// `r`, `s` and the y parity (recovery id 0 or 1).
    public let signature: Secp256k1.RecoverableSignature
    /// Keccak-256 of ``networkEncoding``.
    public let hash: Hash32

    /// Pairs a transaction with a signature made elsewhere. Throws
    /// ``TransactionError/invalidYParity(_:)`` for a recovery id other than 0 or 1;
    /// range checks on `r` and `s` happen in ``validate(for:chainID:)``.
    public init(transaction: Transaction, signature: Secp256k1.RecoverableSignature) throws(TransactionError) {
        guard signature.recoveryID <= 1 else { throw .invalidYParity(UInt64(signature.recoveryID)) }
        self.init(uncheckedTransaction: transaction, signature: signature)
    }

    /// For a recovery id already known to be 0 or 1: computes the hash from the encoding.
    init(uncheckedTransaction transaction: Transaction, signature: Secp256k1.RecoverableSignature) {
        self.transaction = transaction
        self.signature = signature
        var encoder = RLPEncoder(capacity: transaction.encodingCapacityHint)
        Self.writeNetworkEncoding(transaction, signature, to: &encoder)
        self.hash = Keccak256.hash(encoder.bytes)
    }

    /// For a decoded transaction whose hash was taken over its input bytes.
    private init(transaction: Transaction, signature: Secp256k1.RecoverableSignature, hash: Hash32) {
        self.transaction = transaction
        self.signature = signature
        self.hash = hash
    }

    /// The EIP-2718 type.
    public var type: TransactionType { transaction.type }

    /// The signature's y parity, 0 or 1.
    public var yParity: UInt8 { signature.recoveryID }

    /// The `v` value on the wire: for legacy transactions 27/28, or 35 + 2·chainId + parity
    /// (EIP-155); for typed transactions the y parity itself.
    public var v: UInt256 {
        switch transaction {
        case .legacy(let tx): tx.v(yParity: yParity)
        case .accessList, .dynamicFee, .system, .confidential: UInt256(UInt64(yParity))
        }
    }

    // MARK: Encoding

    /// The EIP-2718 network encoding: the RLP list for legacy, `type || rlp(payload)` for typed.
    public var networkEncoding: [UInt8] {
        var encoder = RLPEncoder(capacity: transaction.encodingCapacityHint)
        Self.writeNetworkEncoding(transaction, signature, to: &encoder)
        return encoder.bytes
    }

    /// The block-body item: the legacy list itself, or an RLP string holding the typed network encoding.
    public func encode(to encoder: inout RLPEncoder) {
        switch transaction {
        case .legacy: Self.writeNetworkEncoding(transaction, signature, to: &encoder)
        case .accessList, .dynamicFee, .system, .confidential: encoder.appendBytes(networkEncoding)
        }
    }

    private static func writeNetworkEncoding(_ transaction: Transaction, _ signature: Secp256k1.RecoverableSignature,
                                             to e: inout RLPEncoder) {
        switch transaction {
        case .legacy(let tx):
            e.appendList { e in
                tx.encodeFields(to: &e)
                e.append(tx.v(yParity: signature.recoveryID))
                e.append(signature.r)
                e.append(signature.s)
            }
        case .accessList(let tx):
            e.appendEncoded([TransactionType.accessList.rawValue])
            e.appendList { e in
                tx.encodeFields(to: &e)
                e.append(UInt64(signature.recoveryID))
                e.append(signature.r)
                e.append(signature.s)
            }
        case .dynamicFee(let tx):
            e.appendEncoded([TransactionType.dynamicFee.rawValue])
            e.appendList { e in
                tx.encodeFields(to: &e)
                e.append(UInt64(signature.recoveryID))
                e.append(signature.r)
                e.append(signature.s)
            }
        case .system(let tx):
            tx.writeSigned(signature, to: &e)
        case .confidential(let tx):
            e.appendEncoded([TransactionType.confidential.rawValue])
            e.appendList { e in
                tx.encodeFields(to: &e)
                e.append(UInt64(signature.recoveryID))
                e.append(signature.r)
                e.append(signature.s)
            }
        }
    }

    // MARK: Decoding

    /// Decodes an EIP-2718 network encoding (exactly one transaction, nothing after it).
    /// A first byte of 0xc0 or more is a legacy list; below 0x80 it is a type byte.
    public init(networkEncoding bytes: [UInt8]) throws(TransactionError) {
        guard let first = bytes.first else { throw .emptyInput }
        if first >= 0xc0 {
            var reader = RLPReader(bytes)
            let fields: RLPReader
            do {
                fields = try reader.readList()
                try reader.finish()
            } catch { throw .rlp(error) }
            self = try Self.decodeLegacy(fields, hash: Keccak256.hash(bytes))
        } else if first < 0x80 {
            self = try Self.decodeTyped(bytes)
        } else {
            // An RLP string header: neither a legacy list nor a type byte.
            throw .rlp(.expectedList(offset: 0))
        }
    }

    /// Decodes exactly one block-body item (see ``read(from:)``), with nothing after it.
    public init(rlp bytes: [UInt8]) throws(TransactionError) {
        var reader = RLPReader(bytes)
        self = try Self.read(from: &reader)
        do { try reader.finish() } catch { throw .rlp(error) }
    }

    /// Reads one block-body item: a list is a legacy transaction; a string holds a typed
    /// transaction's network encoding, whose first byte must be a type byte below 0x80.
    public static func read(from reader: inout RLPReader) throws(TransactionError) -> SignedTransaction {
        if try rlpStep({ () throws(RLPError) in try reader.nextIsList() }) {
            var whole = reader
            let encoded = try rlpStep { () throws(RLPError) in try whole.readEncodedItem() }
            let fields = try rlpStep { () throws(RLPError) in try reader.readList() }
            return try decodeLegacy(fields, hash: Keccak256.hash(encoded))
        }
        let envelope = try rlpStep { () throws(RLPError) in try reader.readBytes() }
        guard let first = envelope.first else { throw .emptyInput }
        guard first < 0x80 else { throw .unsupportedType(first) }
        return try decodeTyped(Array(envelope))
    }

    /// Decodes the nine fields of a legacy list.
    private static func decodeLegacy(_ list: RLPReader, hash: Hash32) throws(TransactionError) -> SignedTransaction {
        var fields = TransactionFieldReader(list, expectedCount: 9)
        var tx = try LegacyTransaction.decodeFields(from: &fields)
        let v = try fields.uint256(.v)
        let r = try fields.uint256(.r)
        let s = try fields.uint256(.s)
        try fields.finish()
        let (chainID, yParity) = try LegacyTransaction.splitV(v)
        tx.chainID = chainID
        return SignedTransaction(transaction: .legacy(tx),
                                 signature: Secp256k1.RecoverableSignature(r: r, s: s, recoveryID: yParity),
                                 hash: hash)
    }

    /// Decodes `type || rlp(payload)`, where the first byte is below 0x80.
    private static func decodeTyped(_ bytes: [UInt8]) throws(TransactionError) -> SignedTransaction {
        guard let typeByte = bytes.first else { throw .emptyInput }
        guard let type = TransactionType(rawValue: typeByte) else { throw .unsupportedType(typeByte) }
        if type.isSystem {
            let system: SignedSystemTransaction
            do { system = try SignedSystemTransaction(encoded: bytes) } catch { throw .system(error) }
            return SignedTransaction(transaction: .system(system.transaction), signature: system.signature,
                                     hash: Keccak256.hash(bytes))
        }
        var reader = RLPReader(Array(bytes.dropFirst()))
        let list: RLPReader
        do {
            list = try reader.readList()
            try reader.finish()
        } catch { throw .rlp(error) }
        let transaction: Transaction
        var fields: TransactionFieldReader
        switch type {
        case .accessList:
            fields = TransactionFieldReader(list, expectedCount: 11)
            transaction = .accessList(try AccessListTransaction.decodeFields(from: &fields))
        case .dynamicFee:
            fields = TransactionFieldReader(list, expectedCount: 12)
            transaction = .dynamicFee(try DynamicFeeTransaction.decodeFields(from: &fields))
        case .confidential:
            fields = TransactionFieldReader(list, expectedCount: 13)
            transaction = .confidential(try ConfidentialTransaction.decodeFields(from: &fields))
        case .legacy, .enclaveJoin, .keyGrant, .keyGeneration, .policyVote:
            throw .unsupportedType(typeByte)
        }
        let yParity = try fields.uint64(.yParity)
        let r = try fields.uint256(.r)
        let s = try fields.uint256(.s)
        try fields.finish()
        guard yParity <= 1 else { throw .invalidYParity(yParity) }
        return SignedTransaction(transaction: transaction,
                                 signature: Secp256k1.RecoverableSignature(r: r, s: s, recoveryID: UInt8(yParity)),
                                 hash: Keccak256.hash(bytes))
    }
}

/// Runs one envelope-level RLP step, wrapping its error as ``TransactionError/rlp(_:)``.
@inline(__always)
private func rlpStep<T>(_ body: () throws(RLPError) -> T) throws(TransactionError) -> T {
    do { return try body() } catch { throw .rlp(error) }
}
