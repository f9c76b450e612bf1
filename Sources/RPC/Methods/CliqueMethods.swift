import Primitives
import ChainTypes
import Consensus

extension RPCBackend {
    func registerClique(_ m: inout [String: MethodHandler]) {
        guard let clique else { return }
        @Sendable func snapshot(_ h: SealedHeader) throws(RPCError) -> CliqueSnapshot {
            do { return try clique.snapshot(number: h.header.number, hash: h.hash, reader: chain.headers) } catch {
                throw RPCError.server("\(error)")
            }
        }
        m["clique_getSigners"] = { [self] p, _ in
            .array(try snapshot(try header(try p.block(0))).signers.map(Format.address))
        }
        m["clique_getSignersAtHash"] = { [self] p, _ in
            guard let h = chain.header(hash: try p.hash(0)) else { throw RPCError.server("unknown block") }
            return .array(try snapshot(h).signers.map(Format.address))
        }
        m["clique_getSnapshot"] = { [self] p, _ in
            let s = try snapshot(try header(try p.block(0)))
            return .object([
                ("number", .int(Int(s.number))),
                ("hash", Format.hash(s.hash)),
                ("signers", .object(s.signers.map { ($0.description, .object([])) })),
                ("recents", .object(s.recents.sorted { $0.key < $1.key }.map { (String($0.key), Format.address($0.value)) })),
                ("votes", .array(s.votes.map { v in
                    .object([("signer", Format.address(v.signer)), ("block", .int(Int(v.block))),
                             ("address", Format.address(v.address)), ("authorize", .bool(v.authorize))])
                })),
                ("tally", .object(s.tally.sorted { $0.key < $1.key }.map { a, t in
                    (a.description, .object([("authorize", .bool(t.authorize)), ("votes", .int(t.votes))]))
                })),
            ])
        }
        m["clique_getSnapshotAtHash"] = { [self] p, _ in
            guard let h = chain.header(hash: try p.hash(0)) else { throw RPCError.server("unknown block") }
            let s = try snapshot(h)
            return .object([("number", .int(Int(s.number))), ("hash", Format.hash(s.hash)),
                            ("signers", .object(s.signers.map { ($0.description, .object([])) }))])
        }
        m["clique_proposals"] = { _, _ in
            .object(clique.proposals.sorted { $0.key < $1.key }.map { ($0.key.description, .bool($0.value)) })
        }
        m["clique_propose"] = { p, _ in
            clique.propose(try p.address(0), authorize: try p.bool(1))
            return .null
        }
        m["clique_discard"] = { p, _ in
            clique.discard(try p.address(0))
            return .null
        }
        m["clique_status"] = { [self] _, _ in
            let head = chain.head
            let s = try snapshot(head)
            var counts: [Address: Int] = [:]
            var n = head.header.number
            var inTurn = 0
            let window = min(UInt64(64), head.header.number)
            for _ in 0..<window {
                guard let h = chain.canonicalHeader(n), let a = try? clique.author(of: h.header) else { break }
                counts[a, default: 0] += 1
                if h.header.difficulty == CliqueSeal.inTurnDifficulty { inTurn += 1 }
                n -= 1
            }
            return .object([("inturnPercent", .number(String(window == 0 ? 0 : Double(inTurn) * 100 / Double(window)))),
                            ("sealerActivity", .object(s.signers.map { ($0.description, .int(counts[$0] ?? 0)) })),
                            ("numBlocks", .int(Int(window)))])
        }
    }
}
