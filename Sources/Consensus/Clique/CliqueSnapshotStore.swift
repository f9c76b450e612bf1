public import Primitives
public import Storage
import ChainTypes

/// Where Clique keeps snapshots across restarts. Snapshots are a cache of what the
/// headers already say: losing one costs a replay from an earlier one, never
/// correctness, so implementations may drop writes they cannot make.
public protocol CliqueSnapshotStore: Sendable {
    func load(hash: Hash32) -> CliqueSnapshot?
    func save(_ snapshot: CliqueSnapshot)
}

/// Snapshots in a data directory's ``Storage/Tables/cliqueSnapshots`` table, keyed by
/// block hash, RLP-encoded as `[number, hash, [signers], [[block, signer]…],
/// [[signer, block, address, authorize]…], [[address, authorize, votes]…]]`.
public struct StoredCliqueSnapshots: CliqueSnapshotStore {
    public let store: any KeyValueStore

    public init(store: any KeyValueStore) { self.store = store }

    public func load(hash: Hash32) -> CliqueSnapshot? {
        guard let bytes = try? store.get(Tables.cliqueSnapshots, hash.bytes) else { return nil }
        return try? CliqueSnapshot(rlp: bytes)
    }

    public func save(_ snapshot: CliqueSnapshot) {
        _ = try? store.write { w in try w.put(Tables.cliqueSnapshots, snapshot.hash.bytes, snapshot.rlpEncoded) }
    }
}

extension CliqueSnapshot: RLPEncodable {
    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(number)
            e.append(hash)
            e.appendList { e in for s in signers { e.append(s) } }
            e.appendList { e in
                for (block, signer) in recents.sorted(by: { $0.key < $1.key }) {
                    e.appendList { e in e.append(block); e.append(signer) }
                }
            }
            e.appendList { e in
                for v in votes {
                    e.appendList { e in e.append(v.signer); e.append(v.block); e.append(v.address); e.append(v.authorize ? 1 as UInt64 : 0) }
                }
            }
            e.appendList { e in
                for (address, t) in tally.sorted(by: { $0.key < $1.key }) {
                    e.appendList { e in e.append(address); e.append(t.authorize ? 1 as UInt64 : 0); e.append(UInt64(t.votes)) }
                }
            }
        }
    }

    /// Decodes ``rlpEncoded`` strictly.
    public init(rlp bytes: [UInt8]) throws(RLPError) {
        var r = RLPReader(bytes)
        var f = try r.readList()
        let number = try f.readUInt64()
        let hash = try f.readFixed(Hash32.self)
        var signers: [Address] = []
        var sl = try f.readList()
        while !sl.isAtEnd { signers.append(try sl.readFixed(Address.self)) }
        var recents: [UInt64: Address] = [:]
        var rl = try f.readList()
        while !rl.isAtEnd {
            var item = try rl.readList()
            let block = try item.readUInt64()
            recents[block] = try item.readFixed(Address.self)
            try item.finish()
        }
        var votes: [Vote] = []
        var vl = try f.readList()
        while !vl.isAtEnd {
            var item = try vl.readList()
            let signer = try item.readFixed(Address.self)
            let block = try item.readUInt64()
            let address = try item.readFixed(Address.self)
            let authorize = try item.readUInt64() == 1
            try item.finish()
            votes.append(Vote(signer: signer, block: block, address: address, authorize: authorize))
        }
        var tally: [Address: Tally] = [:]
        var tl = try f.readList()
        while !tl.isAtEnd {
            var item = try tl.readList()
            let address = try item.readFixed(Address.self)
            let authorize = try item.readUInt64() == 1
            let count = try item.readUInt64()
            try item.finish()
            tally[address] = Tally(authorize: authorize, votes: Int(clamping: count))
        }
        try f.finish()
        try r.finish()
        self.init(number: number, hash: hash, signers: signers, recents: recents, votes: votes, tally: tally)
    }
}
