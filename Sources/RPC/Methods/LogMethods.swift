import Primitives
import ChainTypes
import Chain

extension RPCBackend {
    func registerLogs(_ m: inout [String: MethodHandler]) {
        m["eth_getLogs"] = { [self] p, _ in
            try p.atMost(1)
            let c = try LogCriteria.parse(try p.require(0), field: "0")
            return try await offload { [self] () throws(RPCError) in .array(try logs(c)) }
        }
        m["eth_newFilter"] = { [self] p, _ in
            try p.atMost(1)
            let c = try LogCriteria.parse(try p.require(0), field: "0")
            return .string(try filters.install(.logs(c)))
        }
        m["eth_newBlockFilter"] = { [self] _, _ in .string(try filters.install(.blocks)) }
        m["eth_newPendingTransactionFilter"] = { [self] _, _ in .string(try filters.install(.pendingTransactions)) }
        m["eth_uninstallFilter"] = { [self] p, _ in .bool(filters.uninstall(try p.string(0))) }
        m["eth_getFilterChanges"] = { [self] p, _ in
            guard let items = filters.poll(try p.string(0)) else { throw RPCError.server("filter not found") }
            return .array(items)
        }
        m["eth_getFilterLogs"] = { [self] p, _ in
            guard let kind = filters.kind(try p.string(0)) else { throw RPCError.server("filter not found") }
            guard case .logs(let c) = kind else { throw RPCError.server("filter not found") }
            return try await offload { [self] () throws(RPCError) in .array(try logs(c)) }
        }
        m["eth_subscribe"] = { [self] p, context in
            let kind: SubscriptionHub.Kind
            switch try p.string(0) {
            case "newHeads": kind = .newHeads
            case "logs": kind = .logs(p.at(1).map { v in (try? LogCriteria.parse(v, field: "1")) ?? LogCriteria() } ?? LogCriteria())
                if let v = p.at(1) { _ = try LogCriteria.parse(v, field: "1") }
            case "newPendingTransactions": kind = .newPendingTransactions(full: try p.bool(1))
            case let other: throw RPCError.invalidParams("0: no \"\(other)\" subscription in eth namespace")
            }
            return .string(try subscriptions.subscribe(kind, context: context))
        }
        m["eth_unsubscribe"] = { [self] p, context in
            .bool(subscriptions.unsubscribe(try p.string(0), connection: context.connection))
        }
    }

    /// `eth_getLogs`: by block hash, or over a canonical range bounded by the limits.
    func logs(_ c: LogCriteria) throws(RPCError) -> [JSON] {
        if let hash = c.blockHash {
            guard let h = chain.header(hash: hash) else { throw RPCError.server("unknown block") }
            return c.logs(in: h, chain: chain)
        }
        let head = chain.head.header.number
        func number(_ s: BlockSelector?, default d: UInt64) throws(RPCError) -> UInt64 {
            guard let s else { return d }
            switch s {
            case .latest, .pending, .safe, .finalized: return head
            case .earliest: return 0
            case .number(let n): return n
            case .hash(let h, _):
                guard let header = chain.header(hash: h) else { throw RPCError.server("unknown block") }
                return header.header.number
            }
        }
        let from = try number(c.fromBlock, default: head)
        let requestedTo = try number(c.toBlock, default: head)
        guard from <= requestedTo else { throw RPCError.invalidParams("0: invalid block range params (fromBlock > toBlock)") }
        // `requestedTo - from` cannot overflow (from ≤ requestedTo); its successor can, so
        // the message names the bounds rather than a count.
        guard requestedTo - from < limits.logBlockRange else {
            throw RPCError.limitExceeded("exceed maximum block range: \(limits.logBlockRange) (asked blocks \(from) to \(requestedTo))")
        }
        let to = min(requestedTo, head)
        if from > to { return [] }
        var out: [JSON] = []
        for n in from...to {
            guard let h = chain.canonicalHeader(n) else { continue }
            out += c.logs(in: h, chain: chain)
            if out.count > limits.logResults {
                throw RPCError.limitExceeded("query returned more than \(limits.logResults) results; narrow the block range or the criteria")
            }
        }
        return out
    }
}
