import Primitives
import ChainTypes
import Chain

extension RPCBackend {
    /// `conf_getSection`, `conf_getResult` and `conf_getEntryProof` (CONFIDENTIAL.md section
    /// 5.5): the ciphertext every node stores, served without any key. Nothing here can
    /// carry plaintext: sections hold only GCM-SIV entries and results sealed to clients.
    func registerSections(_ m: inout [String: MethodHandler], simulated: (String, JSON)) {
        m["conf_getSection"] = { [self] p, _ in
            try p.atMost(1)
            guard let h = headerIfKnown(try p.block(0)), let section = chain.section(of: h.hash) else { return .null }
            return .object(Self.sectionFields(section) + [("sectionHash", Format.hash(section.hash)), simulated])
        }
        m["conf_getResult"] = { [self] p, _ in
            try p.atMost(1)
            guard let (block, result) = chain.confidentialResult(try p.hash(0)) else { return .null }
            return .object([("blockHash", Format.hash(block)), ("encryptedResult", Format.data(result.encryptedResult)), simulated])
        }
        m["conf_getEntryProof"] = { [self] p, _ in
            try p.atMost(3)
            let address = try p.address(0)
            let key = try p.data(1)
            guard key.count == ConfidentialEntry.keyLength else {
                throw RPCError.invalidParams("1: an entry key is \(ConfidentialEntry.keyLength) bytes (address ‖ slot tag), got \(key.count)")
            }
            guard Array(key[0..<20]) == address.bytes else { throw RPCError.invalidParams("1: the entry key does not belong to address \(address)") }
            let h = try header(try p.block(2))
            guard let proof = chain.encryptedEntryProof(key, after: h.hash) else { throw RPCError.server("the encrypted state at \(h.hash) is not available") }
            return .object([("entryKey", Format.data(key)), ("value", proof.value.map(Format.data) ?? .null),
                            ("proof", .array(proof.proof.map(Format.data))), ("encStateRoot", Format.hash(proof.root)),
                            ("blockHash", Format.hash(h.hash)), simulated])
        }
    }

    /// A section's fields as `conf_getSection` shows them.
    static func sectionFields(_ s: ConfidentialSection) -> [(String, JSON)] {
        [
            ("version", Quantity.json(s.version)),
            ("flags", Quantity.json(UInt64(s.flags))),
            ("generation", Quantity.json(UInt64(s.generation))),
            ("epoch", Quantity.json(s.epoch)),
            ("parentEncStateRoot", Format.hash(s.parentEncStateRoot)),
            ("encStateRoot", Format.hash(s.encStateRoot)),
            ("diff", .array(s.diff.map { .array([Format.data($0.key), Format.data($0.value)]) })),
            ("results", .array(s.results.map { r in
                .object([("txHash", Format.hash(r.txHash)), ("status", Quantity.json(UInt64(r.status))),
                         ("gasUsed", Quantity.json(r.gasUsed)), ("encryptedResult", Format.data(r.encryptedResult))])
            })),
            ("statements", .array(s.statements.map { .object([("enclaveId", Format.hash($0.enclaveID)), ("signature", Format.data($0.signature))]) })),
        ]
    }
}
