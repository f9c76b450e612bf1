import Primitives
import ChainTypes
import Chain

/// Log criteria of `eth_getLogs`, `eth_newFilter` and `logs` subscriptions: addresses
/// (any of), and per topic position a list of alternatives (nil matches anything).
struct LogCriteria: Sendable {
    var addresses: [Address] = []
    var topics: [[Hash32]?] = []
    var fromBlock: BlockSelector? = nil
    var toBlock: BlockSelector? = nil
    var blockHash: Hash32? = nil

    static func parse(_ v: JSON, field: String) throws(RPCError) -> LogCriteria {
        guard case .object = v else { throw RPCError.invalidParams("\(field): expected a filter object") }
        var c = LogCriteria()
        switch v["address"] {
        case nil, .null?: break
        case .string?: c.addresses = [try Params.address(v["address"]!, field: "\(field).address")]
        case .array(let list)?:
            for (i, a) in list.enumerated() { c.addresses.append(try Params.address(a, field: "\(field).address[\(i)]")) }
        default: throw RPCError.invalidParams("\(field).address: expected an address or a list of addresses")
        }
        if let topics = v["topics"], !topics.isNull {
            guard case .array(let positions) = topics else { throw RPCError.invalidParams("\(field).topics: expected an array") }
            guard positions.count <= 4 else { throw RPCError.invalidParams("\(field).topics: more than 4 topics") }
            for (i, t) in positions.enumerated() {
                switch t {
                case .null: c.topics.append(nil)
                case .string: c.topics.append([try Params.hash(t, field: "\(field).topics[\(i)]")])
                case .array(let alternatives):
                    if alternatives.isEmpty { c.topics.append(nil); continue }
                    var hs: [Hash32] = []
                    for (j, a) in alternatives.enumerated() {
                        if a.isNull { continue }
                        hs.append(try Params.hash(a, field: "\(field).topics[\(i)][\(j)]"))
                    }
                    c.topics.append(hs)
                default: throw RPCError.invalidParams("\(field).topics[\(i)]: expected a topic, null or a list")
                }
            }
        }
        if let h = v["blockHash"], !h.isNull {
            if v["fromBlock"] != nil || v["toBlock"] != nil {
                throw RPCError.invalidParams("\(field): cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            }
            c.blockHash = try Params.hash(h, field: "\(field).blockHash")
        }
        if let f = v["fromBlock"], !f.isNull { c.fromBlock = try Params.block(f, field: "\(field).fromBlock") }
        if let t = v["toBlock"], !t.isNull { c.toBlock = try Params.block(t, field: "\(field).toBlock") }
        return c
    }

    func matches(_ log: Log) -> Bool {
        if !addresses.isEmpty && !addresses.contains(log.address) { return false }
        // A log with fewer topics than the criteria name never matches, even where they are null (go-ethereum).
        if topics.count > log.topics.count { return false }
        for (i, alternatives) in topics.enumerated() {
            guard let alternatives else { continue }
            guard i < log.topics.count, alternatives.contains(log.topics[i]) else { return false }
        }
        return true
    }

    /// Whether a block with this bloom may hold a matching log.
    func mayMatch(_ bloom: Bloom) -> Bool {
        if !addresses.isEmpty && !addresses.contains(where: { bloom.mayContain($0.bytes) }) { return false }
        for alternatives in topics {
            guard let alternatives, !alternatives.isEmpty else { continue }
            if !alternatives.contains(where: { bloom.mayContain($0.bytes) }) { return false }
        }
        return true
    }

    /// Matching logs of one block, in JSON, with block-wide log indices.
    func logs(in header: SealedHeader, chain: Blockchain, removed: Bool = false) -> [JSON] {
        guard mayMatch(header.header.logsBloom), let receipts = chain.receiptInfos(blockHash: header.hash) else { return [] }
        var out: [JSON] = []
        for r in receipts {
            for (i, log) in r.receipt.logs.enumerated() where matches(log) {
                out.append(Format.log(log, blockHash: header.hash, blockNumber: header.header.number,
                                      txHash: r.transaction.transaction.hash, txIndex: r.transaction.index,
                                      logIndex: r.firstLogIndex + i, removed: removed))
            }
        }
        return out
    }
}
