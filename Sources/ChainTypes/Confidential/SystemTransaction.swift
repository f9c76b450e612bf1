public import Primitives

/// The system transactions of the confidential module (CONFIDENTIAL.md section 7): typed
/// transactions `0x41`–`0x44`, signed by an authority's account key, never run through the EVM.
///
/// `systemTx = type ‖ rlp([chainId, nonce, …payload, yParity, r, s])`,
/// `sigHash = keccak(type ‖ rlp([chainId, nonce, …payload]))`.
///
/// Decoding is strict: canonical scalars, exact field counts and lengths, no trailing bytes,
/// `yParity ∈ {0, 1}`, `0 < r < n`, `0 < s ≤ n/2`. What is well formed here may still be
/// invalid in a block (signer, registry and vote rules are the chain's to check).
public enum SystemTransactionType: UInt8, Sendable, Hashable, CaseIterable {
    case enclaveJoin = 0x41
    case keyGrant = 0x42
    case keyGeneration = 0x43
    case policyVote = 0x44

    /// The same type byte as an EIP-2718 ``TransactionType``.
    public var transactionType: TransactionType {
        switch self {
        case .enclaveJoin: .enclaveJoin
        case .keyGrant: .keyGrant
        case .keyGeneration: .keyGeneration
        case .policyVote: .policyVote
        }
    }
}

/// `0x41`: an authority registers its enclave.
public struct EnclaveJoin: Sendable, Hashable {
    public var quote: [UInt8]
    /// Compressed secp256k1 (33 bytes).
    public var signingKey: [UInt8]
    /// X25519 (32 bytes).
    public var encryptionKey: [UInt8]

    public init(quote: [UInt8], signingKey: [UInt8], encryptionKey: [UInt8]) {
        self.quote = quote; self.signingKey = signingKey; self.encryptionKey = encryptionKey
    }
}

/// `0x42`: a trusted enclave grants generation `g`'s secret to another.
public struct KeyGrant: Sendable, Hashable {
    public var targetEnclaveID: Hash32
    public var generation: UInt32
    /// `enc (32) ‖ ciphertext ‖ tag` (80 bytes).
    public var wrapped: [UInt8]
    /// `keyCheck_g` (32 bytes).
    public var keyCheck: [UInt8]
    public var grantorEnclaveID: Hash32
    /// 65 bytes `r ‖ s ‖ v` over ``ConfidentialDigest/grant(chainID:generation:targetEnclaveID:wrapped:keyCheck:)``.
    public var grantorSignature: [UInt8]

    public init(targetEnclaveID: Hash32, generation: UInt32, wrapped: [UInt8], keyCheck: [UInt8], grantorEnclaveID: Hash32,
                grantorSignature: [UInt8]) {
        self.targetEnclaveID = targetEnclaveID; self.generation = generation; self.wrapped = wrapped; self.keyCheck = keyCheck
        self.grantorEnclaveID = grantorEnclaveID; self.grantorSignature = grantorSignature
    }
}

/// One wrap of a `0x43`: the secret for one enclave.
public struct EnclaveWrap: Sendable, Hashable {
    public var enclaveID: Hash32
    /// 80 bytes, as in a grant.
    public var wrapped: [UInt8]

    public init(enclaveID: Hash32, wrapped: [UInt8]) { self.enclaveID = enclaveID; self.wrapped = wrapped }
}

/// `0x43`: a new generation of the consortium secret.
public struct KeyGeneration: Sendable, Hashable {
    public var generation: UInt32
    public var keyCheck: [UInt8]
    /// Empty for generation 1; 48 bytes (ciphertext ‖ tag of `CMS_{g-1}`) after.
    public var chainedPrevious: [UInt8]
    public var wraps: [EnclaveWrap]
    public var enclaveID: Hash32
    /// 65 bytes over ``ConfidentialDigest/keyGeneration(chainID:generation:keyCheck:chainedPrevious:wraps:)``.
    public var enclaveSignature: [UInt8]

    public init(generation: UInt32, keyCheck: [UInt8], chainedPrevious: [UInt8], wraps: [EnclaveWrap], enclaveID: Hash32,
                enclaveSignature: [UInt8]) {
        self.generation = generation; self.keyCheck = keyCheck; self.chainedPrevious = chainedPrevious; self.wraps = wraps
        self.enclaveID = enclaveID; self.enclaveSignature = enclaveSignature
    }
}

/// What a `0x44` vote is about (section 7's kinds).
public enum PolicyVoteKind: UInt8, Sendable, Hashable, CaseIterable {
    /// 32 bytes; add 1 adds, 0 removes.
    case measurement = 1
    /// A scalar; add must be 1 (the value is set).
    case minIsvSvn = 2
    /// `sha256(issuer SPKI) ‖ serial`; add 1 revokes, 0 lifts.
    case platformRevocation = 3
    /// 0 or 1; only on a chain with `insecureSimulation`; add must be 1.
    case allowDebug = 4
    /// 16 bytes; add must be 1.
    case minCpuSvn = 5
    case minPceSvn = 6
    case minQeSvn = 7
}

/// `0x44`: a signer's vote on the attestation policy.
public struct PolicyVote: Sendable, Hashable {
    public var kind: PolicyVoteKind
    /// The value's bytes as carried (a scalar's minimal big-endian bytes for scalar kinds).
    public var value: [UInt8]
    public var add: Bool

    public init(kind: PolicyVoteKind, value: [UInt8], add: Bool) { self.kind = kind; self.value = value; self.add = add }

    /// A vote setting a 16-bit minimum (kinds 2, 6, 7) or `allowDebug` (kind 4).
    public static func set(_ kind: PolicyVoteKind, to scalar: UInt16) -> PolicyVote {
        var bytes: [UInt8] = []
        var v = scalar
        while v > 0 { bytes.insert(UInt8(v & 0xff), at: 0); v >>= 8 }
        return PolicyVote(kind: kind, value: bytes, add: true)
    }

    /// The scalar value of a scalar kind.
    public var scalar: UInt16? {
        guard value.count <= 2, value.first != 0 else { return nil }
        return value.reduce(0) { $0 << 8 | UInt16($1) }
    }

    /// Checks the shape section 7 gives each kind; the reason names what is wrong.
    public func validateShape() throws(SystemTransactionError) {
        switch kind {
        case .measurement:
            guard value.count == 32 else { throw .invalidField("value", "a measurement is 32 bytes, got \(value.count)") }
        case .platformRevocation:
            guard value.count >= 32, value.count <= 32 + 20 else {
                throw .invalidField("value", "a revocation is sha256(issuer SPKI) (32) ‖ serial (at most 20 bytes)")
            }
            if value.count > 32, value[32] == 0 { throw .invalidField("value", "the serial has a leading zero") }
        case .minCpuSvn:
            guard value.count == 16 else { throw .invalidField("value", "minCpuSvn is 16 bytes, got \(value.count)") }
            guard add else { throw .invalidField("add", "must be 1: the value is set") }
        case .minIsvSvn, .minPceSvn, .minQeSvn, .allowDebug:
            guard let s = scalar else { throw .invalidField("value", "not a canonical scalar of at most 16 bits") }
            if kind == .allowDebug, s > 1 { throw .invalidField("value", "allowDebug is 0 or 1") }
            guard add else { throw .invalidField("add", "must be 1: the value is set") }
        }
    }
}

/// The payload of a system transaction.
public enum SystemPayload: Sendable, Hashable {
    case join(EnclaveJoin)
    case grant(KeyGrant)
    case generation(KeyGeneration)
    case vote(PolicyVote)

    public var type: SystemTransactionType {
        switch self {
        case .join: .enclaveJoin
        case .grant: .keyGrant
        case .generation: .keyGeneration
        case .vote: .policyVote
        }
    }

    /// `type ‖ rlp([…payload])`: the payload alone, as an enclave hands one to its host
    /// (which adds the chain id and nonce and signs).
    public var encoded: [UInt8] {
        var e = RLPEncoder(capacity: 256)
        e.appendEncoded([type.rawValue])
        e.appendList { e in writeFields(to: &e) }
        return e.bytes
    }

    /// Decodes ``encoded`` strictly (the same field rules as a whole system transaction).
    public init(encoded bytes: [UInt8]) throws(SystemTransactionError) {
        guard let typeByte = bytes.first else { throw .rlp(.unexpectedEnd(offset: 0)) }
        guard let type = SystemTransactionType(rawValue: typeByte) else { throw .unknownType(typeByte) }
        var outer = RLPReader(Array(bytes.dropFirst()))
        let list: RLPReader
        do {
            list = try outer.readList()
            try outer.finish()
        } catch { throw .rlp(error) }
        var fields = SystemFieldReader(reader: list, expected: SignedSystemTransaction.fieldCount(type) - 5)
        self = try Self.read(type, from: &fields)
        try fields.finish()
    }

    func writeFields(to e: inout RLPEncoder) {
        switch self {
        case .join(let j):
            e.appendBytes(j.quote); e.appendBytes(j.signingKey); e.appendBytes(j.encryptionKey)
        case .grant(let g):
            e.appendBytes(g.targetEnclaveID.bytes); e.append(UInt64(g.generation)); e.appendBytes(g.wrapped)
            e.appendBytes(g.keyCheck); e.appendBytes(g.grantorEnclaveID.bytes); e.appendBytes(g.grantorSignature)
        case .generation(let g):
            e.append(UInt64(g.generation)); e.appendBytes(g.keyCheck); e.appendBytes(g.chainedPrevious)
            e.appendList { e in for w in g.wraps { e.appendList { e in e.appendBytes(w.enclaveID.bytes); e.appendBytes(w.wrapped) } } }
            e.appendBytes(g.enclaveID.bytes); e.appendBytes(g.enclaveSignature)
        case .vote(let v):
            e.append(UInt64(v.kind.rawValue)); e.appendBytes(v.value); e.append(UInt64(v.add ? 1 : 0))
        }
    }

    /// Reads the payload fields of `type`.
    static func read(_ type: SystemTransactionType, from fields: inout SystemFieldReader) throws(SystemTransactionError) -> SystemPayload {
        switch type {
        case .enclaveJoin:
            return .join(EnclaveJoin(quote: try fields.bytes("quote"), signingKey: try fields.bytes("signingKey", length: 33),
                                     encryptionKey: try fields.bytes("encryptionKey", length: 32)))
        case .keyGrant:
            return .grant(KeyGrant(targetEnclaveID: try fields.hash("targetEnclaveId"), generation: try fields.uint32("generation"),
                                   wrapped: try fields.bytes("wrapped", length: 80), keyCheck: try fields.bytes("keyCheck", length: 32),
                                   grantorEnclaveID: try fields.hash("grantorEnclaveId"),
                                   grantorSignature: try fields.bytes("grantorSignature", length: 65)))
        case .keyGeneration:
            let generation = try fields.uint32("generation")
            let keyCheck = try fields.bytes("keyCheck", length: 32)
            let chained = try fields.bytes("chainedPrevious")
            guard chained.count == (generation == 1 ? 0 : 48) else {
                throw .invalidField("chainedPrevious", "\(chained.count) bytes; empty for generation 1, 48 after")
            }
            let wraps = try fields.wraps()
            return .generation(KeyGeneration(generation: generation, keyCheck: keyCheck, chainedPrevious: chained, wraps: wraps,
                                             enclaveID: try fields.hash("enclaveId"),
                                             enclaveSignature: try fields.bytes("enclaveSignature", length: 65)))
        case .policyVote:
            let rawKind = try fields.uint64("kind")
            guard rawKind <= 255, let kind = PolicyVoteKind(rawValue: UInt8(rawKind)) else { throw .invalidField("kind", "unknown kind \(rawKind)") }
            let value = try fields.bytes("value")
            let add = try fields.uint64("add")
            guard add <= 1 else { throw .invalidField("add", "0 or 1, got \(add)") }
            let vote = PolicyVote(kind: kind, value: value, add: add == 1)
            try vote.validateShape()
            return .vote(vote)
        }
    }
}

/// Why bytes are not a system transaction.
public enum SystemTransactionError: Error, Sendable, Equatable, CustomStringConvertible {
    case rlp(RLPError)
    case unknownType(UInt8)
    case wrongFieldCount(got: Int, expected: Int)
    /// A field is malformed: the field's name and the reason.
    case invalidField(String, String)
    /// `yParity`, `r` or `s` outside their ranges (including a high `s`).
    case invalidSignature(String)

    public var description: String {
        switch self {
        case .rlp(let e): "system transaction: \(e)"
        case .unknownType(let t): "system transaction: unknown type 0x\(String(t, radix: 16))"
        case .wrongFieldCount(let got, let expected): "system transaction: \(got) fields, expected \(expected)"
        case .invalidField(let field, let reason): "system transaction: \(field): \(reason)"
        case .invalidSignature(let reason): "system transaction: signature: \(reason)"
        }
    }
}

/// An unsigned system transaction.
public struct SystemTransaction: Sendable, Hashable {
    public var chainID: UInt64
    public var nonce: UInt64
    public var payload: SystemPayload

    public init(chainID: UInt64, nonce: UInt64, payload: SystemPayload) {
        self.chainID = chainID; self.nonce = nonce; self.payload = payload
    }

    public var type: SystemTransactionType { payload.type }

    /// The reserved system address whose storage holds the registry,
    /// `0x00000000000000000000000000000000000c1057`: the `to` a system transaction shows.
    public static let registryAddress = Address([UInt8](repeating: 0, count: 17) + [0x0c, 0x10, 0x57])!

    /// `keccak(type ‖ rlp([chainId, nonce, …payload]))`.
    public var signingHash: Hash32 {
        var e = RLPEncoder(capacity: 256)
        e.appendList { e in writeFields(to: &e) }
        return Keccak256.hash([type.rawValue] + e.bytes)
    }

    func writeFields(to e: inout RLPEncoder) {
        e.append(chainID)
        e.append(nonce)
        payload.writeFields(to: &e)
    }

    /// Writes `type ‖ rlp([chainId, nonce, …payload, yParity, r, s])`.
    func writeSigned(_ signature: Secp256k1.RecoverableSignature, to e: inout RLPEncoder) {
        e.appendEncoded([type.rawValue])
        e.appendList { e in
            writeFields(to: &e)
            e.append(UInt64(signature.recoveryID))
            e.append(signature.r)
            e.append(signature.s)
        }
    }

    /// Signs with an authority's account key.
    public func signed(with key: Secp256k1.PrivateKey) -> SignedSystemTransaction {
        SignedSystemTransaction(transaction: self, signature: key.sign(hash: signingHash))
    }
}

/// A signed system transaction, as it travels and sits in a block body.
public struct SignedSystemTransaction: Sendable, Hashable {
    public let transaction: SystemTransaction
    public let signature: Secp256k1.RecoverableSignature

    public init(transaction: SystemTransaction, signature: Secp256k1.RecoverableSignature) {
        self.transaction = transaction
        self.signature = signature
    }

    /// `type ‖ rlp([chainId, nonce, …payload, yParity, r, s])`.
    public var encoded: [UInt8] {
        var e = RLPEncoder(capacity: 256)
        transaction.writeSigned(signature, to: &e)
        return e.bytes
    }

    /// The same transaction as the chain carries it in a block body and the pool.
    public var signedTransaction: SignedTransaction {
        SignedTransaction(uncheckedTransaction: .system(transaction), signature: signature)
    }

    /// The EIP-2718 hash, `keccak(encoded)`.
    public var hash: Hash32 { Keccak256.hash(encoded) }

    /// The authority that signed it.
    public func sender() throws(SystemTransactionError) -> Address {
        do { return try Secp256k1.recoverAddress(hash: transaction.signingHash, signature: signature) } catch {
            throw .invalidSignature("no public key recovers from it")
        }
    }

    /// Decodes the exact encoding; anything else throws.
    public init(encoded bytes: [UInt8]) throws(SystemTransactionError) {
        guard let typeByte = bytes.first else { throw .rlp(.unexpectedEnd(offset: 0)) }
        guard let type = SystemTransactionType(rawValue: typeByte) else { throw .unknownType(typeByte) }
        var outer = RLPReader(Array(bytes.dropFirst()))
        var r: RLPReader
        do {
            r = try outer.readList()
            try outer.finish()
        } catch { throw .rlp(error) }
        var fields = SystemFieldReader(reader: r, expected: Self.fieldCount(type))
        let chainID = try fields.uint64("chainId")
        let nonce = try fields.uint64("nonce")
        let payload = try SystemPayload.read(type, from: &fields)
        let yParity = try fields.uint64("yParity")
        let rValue = try fields.uint256("r")
        let sValue = try fields.uint256("s")
        try fields.finish()
        guard yParity <= 1 else { throw .invalidSignature("yParity \(yParity), expected 0 or 1") }
        let signature = Secp256k1.RecoverableSignature(r: rValue, s: sValue, recoveryID: UInt8(yParity))
        do { try signature.validate(homestead: true) } catch { throw .invalidSignature("r or s out of range, or a high s (\(error))") }
        self.init(transaction: SystemTransaction(chainID: chainID, nonce: nonce, payload: payload), signature: signature)
    }

    static func fieldCount(_ type: SystemTransactionType) -> Int {
        switch type {
        case .enclaveJoin: 2 + 3 + 3
        case .keyGrant: 2 + 6 + 3
        case .keyGeneration: 2 + 6 + 3
        case .policyVote: 2 + 3 + 3
        }
    }
}

/// Reads a system transaction's fields in order, naming each in its error.
struct SystemFieldReader {
    var reader: RLPReader
    let expected: Int
    var index = 0

    private mutating func next<T>(_ name: String, _ body: (inout RLPReader) throws(RLPError) -> T) throws(SystemTransactionError) -> T {
        guard !reader.isAtEnd else { throw .wrongFieldCount(got: index, expected: expected) }
        index += 1
        do { return try body(&reader) } catch { throw .invalidField(name, "\(error)") }
    }

    mutating func uint64(_ name: String) throws(SystemTransactionError) -> UInt64 {
        try next(name) { (r: inout RLPReader) throws(RLPError) in try r.readUInt64() }
    }

    mutating func uint32(_ name: String) throws(SystemTransactionError) -> UInt32 {
        let v = try uint64(name)
        guard let small = UInt32(exactly: v) else { throw .invalidField(name, "\(v) does not fit 32 bits") }
        return small
    }

    mutating func uint256(_ name: String) throws(SystemTransactionError) -> UInt256 {
        try next(name) { (r: inout RLPReader) throws(RLPError) in try r.readUInt256() }
    }

    mutating func bytes(_ name: String, length: Int? = nil) throws(SystemTransactionError) -> [UInt8] {
        let b = try next(name) { (r: inout RLPReader) throws(RLPError) in Array(try r.readBytes()) }
        if let length, b.count != length { throw .invalidField(name, "\(b.count) bytes, expected \(length)") }
        return b
    }

    mutating func hash(_ name: String) throws(SystemTransactionError) -> Hash32 {
        let b = try bytes(name, length: 32)
        guard let h = Hash32(b) else { throw .invalidField(name, "not 32 bytes") }
        return h
    }

    mutating func wraps() throws(SystemTransactionError) -> [EnclaveWrap] {
        let list = try next("wraps") { (r: inout RLPReader) throws(RLPError) in try r.readList() }
        var items = list
        var out: [EnclaveWrap] = []
        while !items.isAtEnd {
            do {
                var pair = try items.readList()
                let id = Array(try pair.readBytes())
                let wrapped = Array(try pair.readBytes())
                try pair.finish()
                guard let enclaveID = Hash32(id), wrapped.count == 80 else {
                    throw SystemTransactionError.invalidField("wraps[\(out.count)]", "an enclave id (32 bytes) and a wrap (80 bytes)")
                }
                out.append(EnclaveWrap(enclaveID: enclaveID, wrapped: wrapped))
            } catch let e as SystemTransactionError {
                throw e
            } catch {
                throw .invalidField("wraps[\(out.count)]", "\(error)")
            }
        }
        return out
    }

    func finish() throws(SystemTransactionError) {
        guard reader.isAtEnd else { throw .wrongFieldCount(got: expected + 1, expected: expected) }
    }
}
