public import Primitives

/// Registry facts as the host hands them to its enclave (CONFIDENTIAL.md section 7, "acts
/// only on facts it can check"): the registry account's proof and one storage proof per
/// slot, all against the state root of block `block`. The enclave checks them against a
/// header it linked and sealed-verified itself, never on the host's word.
///
/// `rlp([block, [accountProofNode…], [[slot (32 bytes), [node…]]…]])`.
public struct RegistryProof: Sendable, Equatable {
    public struct SlotProof: Sendable, Equatable {
        public var slot: UInt256
        public var proof: [[UInt8]]
        public init(slot: UInt256, proof: [[UInt8]]) { self.slot = slot; self.proof = proof }
    }

    public var block: UInt64
    public var accountProof: [[UInt8]]
    public var slots: [SlotProof]

    public init(block: UInt64, accountProof: [[UInt8]], slots: [SlotProof]) {
        self.block = block; self.accountProof = accountProof; self.slots = slots
    }

    func write(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(block)
            e.appendList { e in for node in accountProof { e.appendBytes(node) } }
            e.appendList { e in
                for s in slots {
                    e.appendList { e in
                        e.appendBytes(s.slot.bigEndianBytes)
                        e.appendList { e in for node in s.proof { e.appendBytes(node) } }
                    }
                }
            }
        }
    }

    static func read(from r: inout RLPReader) throws -> RegistryProof {
        var list = try r.readList()
        let block = try list.readUInt64()
        var nodes = try list.readList()
        var account: [[UInt8]] = []
        while !nodes.isAtEnd { account.append(Array(try nodes.readBytes())) }
        var slotList = try list.readList()
        var slots: [SlotProof] = []
        while !slotList.isAtEnd {
            var pair = try slotList.readList()
            let raw = Array(try pair.readBytes())
            guard raw.count == 32, let slot = UInt256(bigEndianBytes: raw) else { throw RegistryProofFormatError() }
            var proofNodes = try pair.readList()
            var proof: [[UInt8]] = []
            while !proofNodes.isAtEnd { proof.append(Array(try proofNodes.readBytes())) }
            try pair.finish()
            slots.append(SlotProof(slot: slot, proof: proof))
        }
        try list.finish()
        return RegistryProof(block: block, accountProof: account, slots: slots)
    }
}

/// A slot in a registry proof that is not 32 bytes.
struct RegistryProofFormatError: Error, CustomStringConvertible {
    var description: String { "a registry proof slot is not 32 bytes" }
}
