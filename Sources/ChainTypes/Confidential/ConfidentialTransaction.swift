public import Primitives

/// An unsigned confidential transaction, EIP-2718 type `0x40` (CONFIDENTIAL.md section 5.2).
///
/// `0x40 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, epoch,
/// generation, suite, enc, ciphertext, yParity, r, s])`. The recipient, call data and
/// response key are inside `ciphertext` (HPKE to the epoch's transaction key); the host
/// never sees them. Publicly, such a transaction has no `to`, no value and no data: it
/// pays ``intrinsicGas`` and its fees like an EIP-1559 transaction.
///
/// A plain value; holding one says nothing about validity. ``suite`` and ``epoch`` are
/// kept as decoded (a canonical scalar of up to 8 bytes), so that an unknown suite is a
/// validity error (the block's rule), not a decoding one.
public struct ConfidentialTransaction: Hashable, Sendable {
    /// The only suite v1 defines: HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
    public static let suiteHPKEX25519AES256GCM: UInt64 = 1
    /// The EIP-2718 type byte.
    public static let typeByte: UInt8 = 0x40
    /// The domain label of a signed view call (section 5.4), in its signing preimage and HPKE info.
    public static let viewLabel = Array("cloister-view-v1".utf8)
    /// The domain label of a transaction's HPKE info (section 5.2).
    public static let transactionLabel = Array("cloister-tx-v1".utf8)

    public var chainID: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// The epoch of the transaction key used (`⌊N/L⌋` of the including block, or the one before).
    public var epoch: UInt64
    /// The consortium-secret generation of the transaction key used.
    public var generation: UInt32
    /// The encryption suite; only ``suiteHPKEX25519AES256GCM`` is valid in v1.
    public var suite: UInt64
    /// The HPKE encapsulated key (32 bytes for suite 1).
    public var enc: [UInt8]
    /// The HPKE ciphertext ‖ tag of `rlp([to, data, responseKey, padding])`.
    public var ciphertext: [UInt8]

    public init(chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
                epoch: UInt64, generation: UInt32, suite: UInt64 = Self.suiteHPKEX25519AES256GCM, enc: [UInt8],
                ciphertext: [UInt8]) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.epoch = epoch
        self.generation = generation
        self.suite = suite
        self.enc = enc
        self.ciphertext = ciphertext
    }

    /// The hash the sender signs as a transaction: `keccak(0x40 ‖ rlp([ten unsigned fields]))`.
    public var signingHash: Hash32 { Keccak256.hash([Self.typeByte] + unsignedRLP) }

    /// The hash the sender signs as a view call (section 5.4):
    /// `keccak(0x40 ‖ "cloister-view-v1" ‖ rlp([ten unsigned fields]))`. No transaction's
    /// signature is a view's, and no view's is a transaction's.
    public var viewSigningHash: Hash32 { Keccak256.hash([Self.typeByte] + Self.viewLabel + unsignedRLP) }

    /// Public intrinsic gas: 21,000 + 16 per byte of `enc ‖ ciphertext` (section 5.2), saturating.
    public var intrinsicGas: UInt64 {
        let bytes = UInt64(enc.count).saturatingAdd(UInt64(ciphertext.count))
        let (perByte, overflow) = bytes.multipliedReportingOverflow(by: IntrinsicGas.nonZeroDataByteGasEIP2028)
        return overflow ? .max : IntrinsicGas.transactionGas.saturatingAdd(perByte)
    }

    /// The HPKE `info` a transaction (or, with `view`, a view envelope) is sealed with:
    /// `label ‖ be32(chainId) ‖ u64be(epoch) ‖ u32be(generation)`.
    public func hpkeInfo(view: Bool = false) -> [UInt8] {
        (view ? Self.viewLabel : Self.transactionLabel) + ConfidentialBytes.be32(chainID)
            + ConfidentialBytes.u64be(epoch) + ConfidentialBytes.u32be(generation)
    }

    /// The HPKE `aad` binding the ciphertext to its sender: `sender (20) ‖ u64be(nonce)`.
    public func hpkeAAD(sender: Address) -> [UInt8] { sender.bytes + ConfidentialBytes.u64be(nonce) }

    private var unsignedRLP: [UInt8] {
        var e = RLPEncoder(capacity: 96 + enc.count + ciphertext.count)
        e.appendList { e in encodeFields(to: &e) }
        return e.bytes
    }

    /// The ten unsigned fields, without a list header.
    func encodeFields(to e: inout RLPEncoder) {
        e.append(chainID)
        e.append(nonce)
        e.append(maxPriorityFeePerGas)
        e.append(maxFeePerGas)
        e.append(gasLimit)
        e.append(epoch)
        e.append(UInt64(generation))
        e.append(suite)
        e.appendBytes(enc)
        e.appendBytes(ciphertext)
    }

    /// Reads the ten unsigned fields.
    static func decodeFields(from fields: inout TransactionFieldReader) throws(TransactionError) -> ConfidentialTransaction {
        let chainID = try fields.uint64(.chainID)
        let nonce = try fields.uint64(.nonce)
        let maxPriorityFeePerGas = try fields.uint256(.maxPriorityFeePerGas)
        let maxFeePerGas = try fields.uint256(.maxFeePerGas)
        let gasLimit = try fields.uint64(.gasLimit)
        let epoch = try fields.uint64(.epoch)
        let generation = try fields.uint32(.generation)
        let suite = try fields.uint64(.suite)
        let enc = try fields.bytes(.enc)
        let ciphertext = try fields.bytes(.ciphertext)
        return ConfidentialTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: maxPriorityFeePerGas,
                                       maxFeePerGas: maxFeePerGas, gasLimit: gasLimit, epoch: epoch,
                                       generation: generation, suite: suite, enc: enc, ciphertext: ciphertext)
    }
}
