import Foundation
import Primitives
import ChainTypes
import Chain
import Consensus
import State
import ConfidentialState

/// The node's state for operators, as `/status.json` serves it and the status page shows
/// it: the authorities and whose turn it is, the last blocks with their signers and turns,
/// missed turns, pending Clique votes, peers, the pool, sync, readiness and the enclave
/// registry. Holds nothing secret: everything here is public chain data or what the node
/// says of its own connections.
extension RPCBackend {
    /// Blocks the timeline covers.
    static let statusWindow: UInt64 = 100

    /// The report as JSON (numbers as JSON numbers, hashes and addresses as 0x-hex).
    public func statusReport() -> JSON {
        let now = Date().timeIntervalSince1970
        let head = chain.head
        var fields: [(String, JSON)] = [
            ("client", .string(clientVersion)),
            ("chainId", .number(String(chain.config.chainID))),
            ("role", .string(status.role)),
            ("self", status.sealer.map(Format.address) ?? .null),
            ("simulatedTEE", .bool(chain.config.confidential?.insecureSimulation ?? false)),
            ("confidential", .bool(chain.config.confidential != nil)),
            ("period", .number(String(chain.config.clique?.period ?? 0))),
            ("now", Self.seconds(now)),
            ("head", .object([
                ("number", .number(String(head.header.number))), ("hash", Format.hash(head.hash)),
                ("timestamp", .number(String(head.header.timestamp))),
                ("age", Self.seconds(max(0, now - Double(head.header.timestamp)))),
            ])),
        ]
        fields += cliqueFields(head: head)
        fields.append(("peers", .array((status.admin?.peers() ?? []).map(Self.peerJSON))))
        let pool = self.pool.status
        fields.append(("pool", .object([("pending", .int(pool.pending)), ("queued", .int(pool.queued))])))
        let sync = syncState()
        fields.append(("sync", .object([
            ("syncing", .bool(sync.syncing)), ("starting", .number(String(sync.starting))),
            ("current", .number(String(sync.current))), ("highest", .number(String(sync.highest))),
        ])))
        let enclave = status.enclave?()
        let ready = readiness(sync: sync, enclave: enclave)
        fields.append(("ready", .object([("ready", .bool(ready.ready)), ("reasons", .array(ready.reasons.map(JSON.string)))])))
        if let summary = enclave {
            fields.append(("enclave", .object([
                ("trusted", .bool(summary.trusted)), ("reason", summary.reason.map(JSON.string) ?? .null),
                ("enclaveId", Format.hash(summary.enclaveID)), ("measurement", Format.hash(summary.measurement)),
                ("simulated", .bool(summary.simulated)),
                ("generation", summary.generations.max().map { .number(String($0)) } ?? .null),
            ])))
        } else {
            fields.append(("enclave", .null))
        }
        fields.append(("registry", registryJSON()))
        return .object(fields)
    }

    /// Sync as `eth_syncing` and `/ready` see it.
    public func syncState() -> (syncing: Bool, starting: UInt64, current: UInt64, highest: UInt64) {
        let current = chain.head.header.number
        guard let p = status.syncing() else { return (false, current, current, current) }
        return (true, p.startingBlock, p.currentBlock, p.highestBlock)
    }

    /// Authorities, the last blocks, turns and votes (empty on a chain without Clique).
    private func cliqueFields(head: SealedHeader) -> [(String, JSON)] {
        guard let clique, let snapshot = try? clique.snapshot(number: head.header.number, hash: head.hash, reader: chain.headers)
        else { return [("authorities", .array([])), ("blocks", .array([])), ("nextBlock", .null), ("votes", .null)] }
        let signers = snapshot.signers
        let next = head.header.number + 1
        let nextInTurn = signers.isEmpty ? nil : signers[Int(next % UInt64(signers.count))]

        // The window, oldest first, each block with the signer set it was sealed under.
        var window: [SealedHeader] = []
        var cursor: SealedHeader? = head
        while let h = cursor, h.header.number > 0, window.count < Int(Self.statusWindow) {
            window.append(h)
            cursor = chain.header(hash: h.header.parentHash)
        }
        window.reverse()
        struct Tally { var sealed = 0, inTurn = 0, outOfTurn = 0, missed = 0, missedRecent = false, last: UInt64? }
        var tallies: [Address: Tally] = [:]
        var blocks: [JSON] = []
        let recentFrom = head.header.number >= UInt64(2 * signers.count) ? head.header.number - UInt64(2 * signers.count) : 0
        for h in window {
            guard let signer = try? clique.signer(of: h),
                  let parent = try? clique.snapshot(number: h.header.number - 1, hash: h.header.parentHash, reader: chain.headers),
                  !parent.signers.isEmpty else { continue }
            let expected = parent.signers[Int(h.header.number % UInt64(parent.signers.count))]
            let inTurn = expected == signer
            // Clique bars a signer from sealing again within ⌊N/2⌋ + 1 blocks: an in-turn signer
            // that sealed that recently (often because it sealed out of turn for an absent one)
            // could not take its turn. Only a turn it was free to take counts as missed.
            let limit = UInt64(parent.signers.count / 2 + 1)
            let barred = parent.recents.contains { seen, who in who == expected && seen + limit > h.header.number }
            let missed = !inTurn && !barred
            tallies[signer, default: Tally()].sealed += 1
            tallies[signer]?.last = h.header.number
            if inTurn { tallies[signer]?.inTurn += 1 } else { tallies[signer]?.outOfTurn += 1 }
            if missed {
                tallies[expected, default: Tally()].missed += 1
                if h.header.number > recentFrom { tallies[expected]?.missedRecent = true }
            }
            let txs = chain.block(hash: h.hash)?.transactions.count ?? 0
            blocks.append(.object([
                ("number", .number(String(h.header.number))), ("hash", Format.hash(h.hash)), ("signer", Format.address(signer)),
                ("inTurn", .bool(inTurn)), ("expected", Format.address(expected)), ("missed", .bool(missed)),
                ("expectedRecent", .bool(!inTurn && barred)), ("txs", .int(txs)),
                ("gasUsed", .number(String(h.header.gasUsed))), ("timestamp", .number(String(h.header.timestamp))),
            ]))
        }
        let authorities: [JSON] = signers.map { a in
            let t = tallies[a] ?? Tally()
            return .object([
                ("address", Format.address(a)), ("self", .bool(a == status.sealer)), ("nextInTurn", .bool(a == nextInTurn)),
                ("sealed", .int(t.sealed)), ("inTurn", .int(t.inTurn)), ("outOfTurn", .int(t.outOfTurn)),
                ("missedTurns", .int(t.missed)), ("missedRecent", .bool(t.missedRecent)),
                ("lastSealed", t.last.map { .number(String($0)) } ?? .null),
            ])
        }
        let votes: JSON = .object([
            ("tally", .array(snapshot.tally.sorted { $0.key < $1.key }.map { address, tally in
                .object([("address", Format.address(address)), ("authorize", .bool(tally.authorize)), ("votes", .int(tally.votes))])
            })),
            ("cast", .array(snapshot.votes.map { v in
                .object([("signer", Format.address(v.signer)), ("address", Format.address(v.address)),
                         ("authorize", .bool(v.authorize)), ("block", .number(String(v.block)))])
            })),
            ("proposals", .array(clique.proposals.sorted { $0.key < $1.key }.map { address, authorize in
                .object([("address", Format.address(address)), ("authorize", .bool(authorize))])
            })),
        ])
        return [
            ("authorities", .array(authorities)), ("blocks", .array(blocks)),
            ("nextBlock", .object([("number", .number(String(next))), ("inTurn", nextInTurn.map(Format.address) ?? .null)])),
            ("votes", votes),
        ]
    }

    /// The registry's enclaves at the head; null on a chain without a confidential module.
    private func registryJSON() -> JSON {
        guard chain.config.confidential != nil, let reader = try? chain.state.latest() else { return .null }
        let registry = Registry(slots: RegistryReaderSlots(reader: reader))
        guard let current = try? registry.currentGeneration(), let enclaves = try? registry.enclaves() else { return .null }
        let simulated = chain.config.confidential?.insecureSimulation ?? false
        return .object([
            ("generation", .number(String(current))),
            ("enclaves", .array(enclaves.map { e in
                .object([
                    ("enclaveId", Format.hash(e.enclaveID)), ("authority", Format.address(e.authority)),
                    ("status", .string(e.standing.name)), ("measurement", Format.hash(e.mrEnclave)),
                    ("simulated", .bool(simulated)), ("joinedAt", .number(String(e.joinedAt))),
                    ("joinedAtTime", chain.canonicalHeader(e.joinedAt).map { .number(String($0.header.timestamp)) } ?? .null),
                    ("generation", .number(String(e.generation))),
                    ("generations", e.generation > 0 ? .array([.number(String(e.generation))]) : .array([])),
                ])
            })),
        ])
    }

    private static func peerJSON(_ p: AdminHooks.PeerEntry) -> JSON {
        .object([
            ("id", .string(p.id)), ("name", .string(p.name)), ("role", .string(peerRole(clientName: p.name))),
            ("inbound", .bool(p.inbound)), ("address", .string(p.remoteAddress)),
            ("latencyMs", p.latency.map { d in seconds(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) } ?? .null),
            ("head", Format.hash(p.head)),
        ])
    }

    /// The role a peer names in its client id (`Cloister/authority/v…`, go-ethereum's
    /// identity slot); `unknown` for any other client. A peer's word, shown as such.
    package static func peerRole(clientName: String) -> String {
        let parts = clientName.split(separator: "/")
        guard parts.count > 2, parts[0] == "Cloister" else { return "unknown" }
        switch parts[1] {
        case "authority": return "authority"
        case "observer": return "observer"
        default: return "unknown"
        }
    }

    /// A finite number of seconds (or milliseconds) as a JSON number with millisecond precision.
    static func seconds(_ value: Double) -> JSON {
        guard value.isFinite else { return .null }
        return .number(String((value * 1000).rounded() / 1000))
    }
}
