import Primitives
import ChainTypes
import Chain
import Synchronization

/// `eth_subscribe` over WebSocket: newHeads, logs and newPendingTransactions, each
/// delivered as an `eth_subscription` notification on its connection.
final class SubscriptionHub: Sendable {
    enum Kind: Sendable {
        case newHeads
        case logs(LogCriteria)
        case newPendingTransactions(full: Bool)
    }

    struct Subscription: Sendable {
        var connection: UInt64
        var kind: Kind
        var notify: @Sendable (JSON) -> Void
    }

    private let state = Mutex<(next: UInt64, subs: [UInt64: Subscription])>((1, [:]))
    let perConnection: Int
    let total: Int

    init(perConnection: Int, total: Int) { self.perConnection = perConnection; self.total = total }

    func subscribe(_ kind: Kind, context: CallContext) throws(RPCError) -> String {
        guard let notify = context.notify else { throw RPCError(code: -32601, message: "notifications not supported") }
        return try state.withLock { (s: inout (next: UInt64, subs: [UInt64: Subscription])) throws(RPCError) -> String in
            guard s.subs.count < total else {
                throw RPCError.limitExceeded("too many subscriptions on this node (limit \(total))")
            }
            guard s.subs.values.lazy.filter({ $0.connection == context.connection }).count < perConnection else {
                throw RPCError.limitExceeded("too many subscriptions on this connection (limit \(perConnection))")
            }
            // Ids are random-looking so a client cannot guess another connection's.
            let id = s.next &* 0x9E3779B97F4A7C15 ^ UInt64.random(in: 0..<UInt64.max)
            s.next += 1
            s.subs[id] = Subscription(connection: context.connection, kind: kind, notify: notify)
            return Quantity.string(id)
        }
    }

    func unsubscribe(_ id: String, connection: UInt64) -> Bool {
        guard let n = try? Quantity.parse64(id, field: "0") else { return false }
        return state.withLock { s in
            guard s.subs[n]?.connection == connection else { return false }
            s.subs[n] = nil
            return true
        }
    }

    func removeAll(connection: UInt64) {
        state.withLock { s in s.subs = s.subs.filter { $0.value.connection != connection } }
    }

    private var snapshot: [(UInt64, Subscription)] { state.withLock { Array($0.subs) } }

    private static func notification(_ id: UInt64, _ result: JSON) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("method", .string("eth_subscription")),
                 ("params", .object([("subscription", .string(Quantity.string(id))), ("result", result)]))])
    }

    func headChanged(_ result: ImportResult, chain: Blockchain, fullExtraData: Bool) {
        let subs = snapshot
        guard !subs.isEmpty else { return }
        let headers = newCanonicalHeaders(result, chain: chain)
        let removed = removedCanonicalHeaders(result, chain: chain)
        for (id, sub) in subs {
            switch sub.kind {
            case .newHeads:
                for h in headers { sub.notify(Self.notification(id, Self.headJSON(h, chain: chain, fullExtraData: fullExtraData))) }
            case .logs(let c):
                for h in removed { for log in c.logs(in: h, chain: chain, removed: true) { sub.notify(Self.notification(id, log)) } }
                for h in headers { for log in c.logs(in: h, chain: chain) { sub.notify(Self.notification(id, log)) } }
            case .newPendingTransactions: break
            }
        }
    }

    /// `newPendingTransactions`: hashes, or whole transactions for subscriptions made with `full`.
    func pendingTransactions(_ txs: [RecoveredTransaction]) {
        for (id, sub) in snapshot {
            guard case .newPendingTransactions(let full) = sub.kind else { continue }
            for tx in txs {
                let item = full ? Format.transaction(tx.signed, sender: tx.sender, position: nil, effectivePrice: nil)
                                : Format.hash(tx.hash)
                sub.notify(Self.notification(id, item))
            }
        }
    }

    /// A header as `newHeads` sends it (the block object without transactions).
    static func headJSON(_ h: SealedHeader, chain: Blockchain, fullExtraData: Bool) -> JSON {
        guard let block = chain.block(hash: h.hash) else { return .null }
        let full = Format.block(block, hash: h.hash, totalDifficulty: nil, fullTransactions: false,
                                fullExtraData: fullExtraData)
        guard case .object(let members) = full else { return full }
        return .object(members.filter { $0.0 != "transactions" && $0.0 != "uncles" && $0.0 != "size" })
    }
}
