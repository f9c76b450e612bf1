public import Primitives
public import ChainTypes
public import Attestation

extension ConfidentialConfig {
    /// Reads back ``policyRLP`` (the registry stores the policy in force in that form).
    public init(policyRLP bytes: [UInt8]) throws(RegistryError) {
        do {
            var outer = RLPReader(bytes)
            var r = try outer.readList()
            try outer.finish()
            var platformList = try r.readList()
            var platforms: [String] = []
            while !platformList.isAtEnd { platforms.append(String(decoding: try platformList.readBytes(), as: UTF8.self)) }
            let insecure = try r.readUInt64()
            var anchorList = try r.readList()
            var anchors: [String: Hash32] = [:]
            while !anchorList.isAtEnd {
                var pair = try anchorList.readList()
                let name = String(decoding: try pair.readBytes(), as: UTF8.self)
                anchors[name] = try pair.readFixed(Hash32.self)
                try pair.finish()
            }
            var measurementList = try r.readList()
            var measurements: [Hash32] = []
            while !measurementList.isAtEnd { measurements.append(try measurementList.readFixed(Hash32.self)) }
            let minIsv = try r.readUInt64()
            let minCpu = Array(try r.readBytes())
            let minPce = try r.readUInt64()
            let minQe = try r.readUInt64()
            let debug = try r.readUInt64()
            let freshness = try r.readUInt64()
            let epoch = try r.readUInt64()
            let quorum = try r.readUInt64()
            try r.finish()
            guard insecure <= 1, debug <= 1, let isv = UInt16(exactly: minIsv), let pce = UInt16(exactly: minPce),
                  let qe = UInt16(exactly: minQe), minCpu.count == 16 else {
                throw RegistryError.corrupt("a stored policy with out-of-range fields")
            }
            self.init(platforms: platforms, insecureSimulation: insecure == 1, trustAnchors: anchors, measurements: measurements,
                      minIsvSvn: isv, minCpuSvn: minCpu, minPceSvn: pce, minQeSvn: qe, allowDebug: debug == 1,
                      freshnessBlocks: freshness, epochLength: epoch, enclaveQuorum: quorum)
        } catch let e as RegistryError {
            throw e
        } catch {
            throw .corrupt("the stored policy does not decode: \(error)")
        }
    }
}

extension PolicyTally {
    /// `rlp([[kind, value, [[signer, add]…]]…])`, subjects sorted by kind then value, voters by address.
    public var rlp: [UInt8] {
        var e = RLPEncoder(capacity: 64)
        let subjects = votes.keys.sorted { a, b in
            a.kind.rawValue != b.kind.rawValue ? a.kind.rawValue < b.kind.rawValue : a.value.lexicographicallyPrecedes(b.value)
        }
        e.appendList { e in
            for subject in subjects {
                e.appendList { e in
                    e.append(UInt64(subject.kind.rawValue))
                    e.appendBytes(subject.value)
                    let ballot = (votes[subject] ?? [:]).sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }
                    e.appendList { e in
                        for (signer, add) in ballot { e.appendList { e in e.appendBytes(signer.bytes); e.append(UInt64(add ? 1 : 0)) } }
                    }
                }
            }
        }
        return e.bytes
    }

    public init(rlp bytes: [UInt8]) throws(RegistryError) {
        self.init()
        do {
            var outer = RLPReader(bytes)
            var list = try outer.readList()
            try outer.finish()
            while !list.isAtEnd {
                var item = try list.readList()
                let rawKind = try item.readUInt64()
                guard rawKind <= 255, let kind = PolicyVoteKind(rawValue: UInt8(rawKind)) else { throw RegistryError.corrupt("a tally of kind \(rawKind)") }
                let value = Array(try item.readBytes())
                var ballot = try item.readList()
                try item.finish()
                var entries: [Address: Bool] = [:]
                while !ballot.isAtEnd {
                    var pair = try ballot.readList()
                    let signer = try pair.readFixed(Address.self)
                    let add = try pair.readUInt64()
                    try pair.finish()
                    guard add <= 1 else { throw RegistryError.corrupt("a vote with add \(add)") }
                    entries[signer] = add == 1
                }
                restore(Subject(kind: kind, value: value), entries)
            }
        } catch let e as RegistryError {
            throw e
        } catch {
            throw .corrupt("the stored tallies do not decode: \(error)")
        }
    }
}

extension Registry {
    /// The policy in force: the stored one, or the genesis policy before any vote applied.
    public func policy(genesis: ConfidentialConfig) throws -> AttestationPolicy {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-policy"), read: slots.read) else {
            return AttestationPolicy(genesis: genesis)
        }
        do {
            var outer = RLPReader(blob)
            var r = try outer.readList()
            try outer.finish()
            let rules = try ConfidentialConfig(policyRLP: Array(try r.readEncodedItem()))
            var revokedList = try r.readList()
            var revoked: Set<[UInt8]> = []
            while !revokedList.isAtEnd { revoked.insert(Array(try revokedList.readBytes())) }
            try r.finish()
            return AttestationPolicy(rules: rules, revokedPlatforms: revoked)
        } catch let e as RegistryError {
            throw e
        } catch { throw RegistryError.corrupt("the stored policy does not decode: \(error)") }
    }

    public mutating func storePolicy(_ policy: AttestationPolicy) throws {
        var e = RLPEncoder(capacity: 512)
        e.appendList { e in
            e.appendEncoded(policy.rules.policyRLP)
            e.appendList { e in for id in policy.revokedPlatforms.sorted(by: { $0.lexicographicallyPrecedes($1) }) { e.appendBytes(id) } }
        }
        try store(e.bytes, tag: "cloister-registry-policy")
    }

    public func tally() throws -> PolicyTally {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-tally"), read: slots.read) else {
            return PolicyTally()
        }
        return try PolicyTally(rlp: blob)
    }

    public mutating func storeTally(_ tally: PolicyTally) throws { try store(tally.rlp, tag: "cloister-registry-tally") }

    /// Applies a `0x44` vote: tallied with the others; when a majority agrees, the policy in
    /// force changes and the enclaves it no longer admits are revoked (returned).
    public mutating func applyVote(_ vote: PolicyVote, sender: Address, context: RegistryContext,
                                   genesis: ConfidentialConfig) throws -> [Hash32] {
        var tally = try tally()
        var policy = try policy(genesis: genesis)
        let outcome = try tally.record(vote, by: sender, signers: context.signers, policy: &policy)
        try storeTally(tally)
        guard outcome == .applied else { return [] }
        try storePolicy(policy)
        return try revokeNoLongerAdmitted(policy: policy, signers: context.signers)
    }
}
