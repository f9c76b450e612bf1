public import Primitives

/// Slot-level access to the system address's storage: the chain's state at a block, a
/// write batch, or a map in tests.
public protocol RegistrySlots {
    func read(_ slot: UInt256) throws -> UInt256
    mutating func write(_ slot: UInt256, _ value: UInt256) throws
}

/// The confidential registry over a block's state (CONFIDENTIAL.md section 7): enclaves,
/// generations, and the join failures kept for `conf_getJoinFailure`. Reads and writes
/// whole records as blobs (``RegistryLayout``); writing a shorter record clears the words
/// the longer one used, so a state root depends only on the records.
public struct Registry<Slots: RegistrySlots> {
    public var slots: Slots

    public init(slots: Slots) { self.slots = slots }

    // MARK: Enclaves

    /// Every registered enclave id, in join order.
    public func enclaveIDs() throws -> [Hash32] {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-enclaves"), read: slots.read) else { return [] }
        do {
            var outer = RLPReader(blob)
            var list = try outer.readList()
            try outer.finish()
            var out: [Hash32] = []
            while !list.isAtEnd { out.append(try list.readFixed(Hash32.self)) }
            return out
        } catch { throw RegistryError.corrupt("the enclave list does not decode: \(error)") }
    }

    public func enclave(_ id: Hash32) throws -> EnclaveRecord? {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-enclave", key: id.bytes), read: slots.read) else {
            return nil
        }
        return try EnclaveRecord(rlp: blob)
    }

    /// All enclaves, in join order.
    public func enclaves() throws -> [EnclaveRecord] { try enclaveIDs().compactMap { try enclave($0) } }

    /// Adds or replaces an enclave's record (a new one is appended to the list).
    public mutating func put(_ record: EnclaveRecord) throws {
        var ids = try enclaveIDs()
        if !ids.contains(record.enclaveID) {
            ids.append(record.enclaveID)
            var e = RLPEncoder(capacity: 33 * ids.count + 4)
            e.appendList { e in for id in ids { e.appendBytes(id.bytes) } }
            try store(e.bytes, tag: "cloister-registry-enclaves")
        }
        try store(record.rlp, tag: "cloister-registry-enclave", key: record.enclaveID.bytes)
    }

    // MARK: Generations

    /// Every generation, oldest first (the last is the current one).
    public func generations() throws -> [GenerationRecord] {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-generations"), read: slots.read) else { return [] }
        do {
            var outer = RLPReader(blob)
            var list = try outer.readList()
            try outer.finish()
            var out: [GenerationRecord] = []
            while !list.isAtEnd { out.append(try GenerationRecord.read(from: &list)) }
            return out
        } catch let e as RegistryError {
            throw e
        } catch { throw RegistryError.corrupt("the generation list does not decode: \(error)") }
    }

    /// The current generation (0 before bootstrap).
    public func currentGeneration() throws -> UInt32 { try generations().last?.generation ?? 0 }

    /// Starts the next generation; its number must follow the current one.
    public mutating func append(_ generation: GenerationRecord) throws {
        var all = try generations()
        guard generation.generation == (all.last?.generation ?? 0) + 1 else {
            throw RegistryError.corrupt("generation \(generation.generation) does not follow \(all.last?.generation ?? 0)")
        }
        all.append(generation)
        var e = RLPEncoder(capacity: 128 * all.count)
        e.appendList { e in for g in all { g.encode(to: &e) } }
        try store(e.bytes, tag: "cloister-registry-generations")
    }

    // MARK: Join failures

    /// The check that refused a `0x41` included with status 0, and its reason.
    public func joinFailure(_ txHash: Hash32) throws -> (check: Int, reason: String)? {
        guard let blob = try RegistryLayout.blob(at: RegistryLayout.baseSlot(tag: "cloister-registry-joinfailure", key: txHash.bytes),
                                                 read: slots.read) else { return nil }
        do {
            var outer = RLPReader(blob)
            var r = try outer.readList()
            try outer.finish()
            let check = try r.readUInt64()
            let reason = String(decoding: try r.readBytes(), as: UTF8.self)
            try r.finish()
            guard (1...10).contains(check) else { throw RegistryError.corrupt("join failure of check \(check)") }
            return (Int(check), reason)
        } catch let e as RegistryError {
            throw e
        } catch { throw RegistryError.corrupt("a join failure does not decode: \(error)") }
    }

    public mutating func recordJoinFailure(_ txHash: Hash32, check: Int, reason: String) throws {
        var e = RLPEncoder()
        e.appendList { e in e.append(UInt64(check)); e.appendBytes(Array(reason.utf8.prefix(512))) }
        try store(e.bytes, tag: "cloister-registry-joinfailure", key: txHash.bytes)
    }

    // MARK: Blobs

    mutating func store(_ blob: [UInt8], tag: String, key: [UInt8] = []) throws {
        let base = RegistryLayout.baseSlot(tag: tag, key: key)
        let oldLength = try slots.read(base).uint64 ?? 0
        let words = RegistryLayout.words(of: blob, at: base)
        for (slot, value) in words { try slots.write(slot, value) }
        // Clear the words a longer old record used.
        let oldWords = (oldLength + 31) / 32
        var index = UInt64(words.count)
        while index <= oldWords {
            try slots.write(base &+ UInt256(index), .zero)
            index += 1
        }
    }
}
