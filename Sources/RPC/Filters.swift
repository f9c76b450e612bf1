import Primitives
import ChainTypes
import Chain
import Synchronization

/// Installed polling filters (`eth_newFilter`, `eth_newBlockFilter`,
/// `eth_newPendingTransactionFilter`): each collects what happened since it was last
/// polled. Filters not polled for five minutes are removed, as in go-ethereum.
final class FilterRegistry: Sendable {
    enum Kind: Sendable {
        case logs(LogCriteria)
        case blocks
        case pendingTransactions
    }

    struct Filter: Sendable {
        var kind: Kind
        var pending: [JSON] = []
        var lastPolled: ContinuousClock.Instant
    }

    static let timeout: Duration = .seconds(300)
    static let maxPending = 10_000
    /// Filters installed at most (all clients together).
    let limit: Int
    private let state = Mutex<(next: UInt64, filters: [UInt64: Filter])>((1, [:]))

    init(limit: Int) { self.limit = limit }

    func install(_ kind: Kind) throws(RPCError) -> String {
        try state.withLock { (s: inout (next: UInt64, filters: [UInt64: Filter])) throws(RPCError) -> String in
            let now = ContinuousClock.now
            s.filters = s.filters.filter { now - $0.value.lastPolled < Self.timeout }
            guard s.filters.count < limit else {
                throw RPCError.limitExceeded("too many filters installed (limit \(limit)); uninstall some or wait for idle ones to expire")
            }
            // Ids are unpredictable so one client cannot poll or remove another's filter.
            let id = s.next &* 0x9E3779B97F4A7C15 ^ UInt64.random(in: 0..<UInt64.max)
            s.next &+= 1
            s.filters[id] = Filter(kind: kind, lastPolled: now)
            return Quantity.string(id)
        }
    }

    var count: Int { state.withLock { $0.filters.count } }

    func uninstall(_ id: String) -> Bool {
        guard let n = try? Quantity.parse64(id, field: "0") else { return false }
        return state.withLock { $0.filters.removeValue(forKey: n) != nil }
    }

    func kind(_ id: String) -> Kind? {
        guard let n = try? Quantity.parse64(id, field: "0") else { return nil }
        return state.withLock { $0.filters[n]?.kind }
    }

    /// What accumulated since the last poll; nil for an unknown filter.
    func poll(_ id: String) -> [JSON]? {
        guard let n = try? Quantity.parse64(id, field: "0") else { return nil }
        return state.withLock { s in
            guard var f = s.filters[n] else { return nil }
            let out = f.pending
            f.pending = []
            f.lastPolled = .now
            s.filters[n] = f
            return out
        }
    }

    private func append(_ items: (Kind) -> [JSON]) {
        state.withLock { s in
            for (id, var f) in s.filters {
                let new = items(f.kind)
                guard !new.isEmpty else { continue }
                f.pending += new
                if f.pending.count > Self.maxPending { f.pending.removeFirst(f.pending.count - Self.maxPending) }
                s.filters[id] = f
            }
        }
    }

    func headChanged(_ result: ImportResult, chain: Blockchain) {
        let headers = newCanonicalHeaders(result, chain: chain)
        append { kind in
            switch kind {
            case .blocks: headers.map { Format.hash($0.hash) }
            case .logs(let c):
                removedCanonicalHeaders(result, chain: chain).flatMap { c.logs(in: $0, chain: chain, removed: true) }
                    + headers.flatMap { c.logs(in: $0, chain: chain) }
            case .pendingTransactions: []
            }
        }
    }

    func pendingTransactions(_ hashes: [Hash32]) {
        append { kind in
            if case .pendingTransactions = kind { return hashes.map(Format.hash) }
            return []
        }
    }
}

/// The headers that became canonical with an import (one, or a reorg's new branch), oldest first.
func newCanonicalHeaders(_ result: ImportResult, chain: Blockchain) -> [SealedHeader] {
    result.newCanonical.compactMap { chain.header(hash: $0) }
}

/// The headers a reorg removed from the canonical chain, oldest first.
func removedCanonicalHeaders(_ result: ImportResult, chain: Blockchain) -> [SealedHeader] {
    result.removedCanonical.compactMap { chain.header(hash: $0) }
}
