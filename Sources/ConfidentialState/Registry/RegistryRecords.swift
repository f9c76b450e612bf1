public import Primitives
public import Attestation

/// An enclave's standing in the registry (CONFIDENTIAL.md section 5.5): `pending` = trusted
/// by its quote but not yet holding the current generation; `trusted` = holding it; `revoked`.
public enum EnclaveStanding: UInt8, Sendable, Hashable {
    case pending = 1
    case trusted = 2
    case revoked = 3

    public var name: String {
        switch self {
        case .pending: "pending"
        case .trusted: "trusted"
        case .revoked: "revoked"
        }
    }
}

/// One registered enclave, as the registry keeps it.
public struct EnclaveRecord: Sendable, Hashable {
    public var enclaveID: Hash32
    public var authority: Address
    public var standing: EnclaveStanding
    public var mrEnclave: Hash32
    public var isvSvn: UInt16
    /// The platform's TCB as the quote reported it at the join (16 bytes), and its PCE and
    /// QE security versions: a raised minimum revokes the enclaves below it.
    public var cpuSvn: [UInt8]
    public var pceSvn: UInt16
    public var qeSvn: UInt16
    /// Compressed secp256k1 (33 bytes).
    public var signingKey: [UInt8]
    /// X25519 (32 bytes).
    public var encryptionKey: [UInt8]
    /// The platform certificate's revocation id (what a kind-3 vote names).
    public var platformRevocationID: [UInt8]
    /// The quote as joined (re-verifiable with the join block's time and ancestry).
    public var quote: [UInt8]
    public var joinedAt: UInt64
    /// The newest generation it holds (0: none yet).
    public var generation: UInt32

    public init(enclaveID: Hash32, authority: Address, standing: EnclaveStanding, mrEnclave: Hash32, isvSvn: UInt16,
                signingKey: [UInt8], encryptionKey: [UInt8], platformRevocationID: [UInt8], quote: [UInt8],
                joinedAt: UInt64, generation: UInt32, cpuSvn: [UInt8] = [UInt8](repeating: 0, count: 16), pceSvn: UInt16 = 0,
                qeSvn: UInt16 = 0) {
        self.enclaveID = enclaveID; self.authority = authority; self.standing = standing; self.mrEnclave = mrEnclave
        self.isvSvn = isvSvn; self.cpuSvn = cpuSvn; self.pceSvn = pceSvn; self.qeSvn = qeSvn
        self.signingKey = signingKey; self.encryptionKey = encryptionKey
        self.platformRevocationID = platformRevocationID; self.quote = quote; self.joinedAt = joinedAt
        self.generation = generation
    }

    /// `rlp([enclaveId, authority, standing, mrEnclave, isvSvn, cpuSvn, pceSvn, qeSvn, signingKey,
    /// encryptionKey, platformRevocationId, quote, joinedAt, generation])`.
    public var rlp: [UInt8] {
        var e = RLPEncoder(capacity: 256 + quote.count)
        e.appendList { e in
            e.appendBytes(enclaveID.bytes); e.appendBytes(authority.bytes); e.append(UInt64(standing.rawValue))
            e.appendBytes(mrEnclave.bytes); e.append(UInt64(isvSvn))
            e.appendBytes(cpuSvn); e.append(UInt64(pceSvn)); e.append(UInt64(qeSvn))
            e.appendBytes(signingKey); e.appendBytes(encryptionKey)
            e.appendBytes(platformRevocationID); e.appendBytes(quote); e.append(joinedAt)
            e.append(UInt64(generation))
        }
        return e.bytes
    }

    public init(rlp bytes: [UInt8]) throws(RegistryError) {
        do {
            var outer = RLPReader(bytes)
            var r = try outer.readList()
            try outer.finish()
            let id = try r.readFixed(Hash32.self)
            let authority = try r.readFixed(Address.self)
            let rawStanding = try r.readUInt64()
            guard rawStanding <= 255, let standing = EnclaveStanding(rawValue: UInt8(rawStanding)) else {
                throw RegistryError.corrupt("unknown enclave standing \(rawStanding)")
            }
            let mr = try r.readFixed(Hash32.self)
            let svn = try r.readUInt64()
            let cpuSvn = Array(try r.readBytes())
            let pce = try r.readUInt64()
            let qe = try r.readUInt64()
            let signing = Array(try r.readBytes())
            let encryption = Array(try r.readBytes())
            let revocation = Array(try r.readBytes())
            let quote = Array(try r.readBytes())
            let joinedAt = try r.readUInt64()
            let generation = try r.readUInt64()
            try r.finish()
            guard let isvSvn = UInt16(exactly: svn), let g = UInt32(exactly: generation), signing.count == 33, encryption.count == 32,
                  cpuSvn.count == 16, let pceSvn = UInt16(exactly: pce), let qeSvn = UInt16(exactly: qe) else {
                throw RegistryError.corrupt("an enclave record with out-of-range fields")
            }
            self.init(enclaveID: id, authority: authority, standing: standing, mrEnclave: mr, isvSvn: isvSvn, signingKey: signing,
                      encryptionKey: encryption, platformRevocationID: revocation, quote: quote, joinedAt: joinedAt,
                      generation: g, cpuSvn: cpuSvn, pceSvn: pceSvn, qeSvn: qeSvn)
        } catch let e as RegistryError {
            throw e
        } catch {
            throw .corrupt("an enclave record does not decode: \(error)")
        }
    }
}

extension EnclaveRecord {
    /// Whether the policy in force still admits this enclave and its authority is a signer:
    /// its measurement allowed, its security versions at or above every minimum (each byte
    /// of `cpuSvn`), its platform not revoked. What section 7 revokes on, and what a new
    /// generation is wrapped to.
    public func isAdmitted(by policy: AttestationPolicy, signers: Set<Address>) -> Bool {
        let rules = policy.rules
        let tcbMet = cpuSvn.count == rules.minCpuSvn.count && zip(cpuSvn, rules.minCpuSvn).allSatisfy { $0 >= $1 }
        return signers.contains(authority) && rules.measurements.contains(mrEnclave) && isvSvn >= rules.minIsvSvn
            && tcbMet && pceSvn >= rules.minPceSvn && qeSvn >= rules.minQeSvn
            && !policy.revokedPlatforms.contains(platformRevocationID)
    }
}

/// One generation of the consortium secret, as the registry keeps it.
public struct GenerationRecord: Sendable, Hashable {
    public var generation: UInt32
    public var startBlock: UInt64
    public var keyCheck: [UInt8]
    /// The enclave that generated it.
    public var enclaveID: Hash32
    /// Empty for generation 1.
    public var chainedPrevious: [UInt8]

    public init(generation: UInt32, startBlock: UInt64, keyCheck: [UInt8], enclaveID: Hash32, chainedPrevious: [UInt8]) {
        self.generation = generation; self.startBlock = startBlock; self.keyCheck = keyCheck
        self.enclaveID = enclaveID; self.chainedPrevious = chainedPrevious
    }

    func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(UInt64(generation)); e.append(startBlock); e.appendBytes(keyCheck); e.appendBytes(enclaveID.bytes)
            e.appendBytes(chainedPrevious)
        }
    }

    static func read(from r: inout RLPReader) throws -> GenerationRecord {
        var f = try r.readList()
        let g = try f.readUInt64()
        let start = try f.readUInt64()
        let check = Array(try f.readBytes())
        let id = try f.readFixed(Hash32.self)
        let chained = Array(try f.readBytes())
        try f.finish()
        guard let generation = UInt32(exactly: g), check.count == 32 else { throw RegistryError.corrupt("a generation record with out-of-range fields") }
        return GenerationRecord(generation: generation, startBlock: start, keyCheck: check, enclaveID: id, chainedPrevious: chained)
    }
}
