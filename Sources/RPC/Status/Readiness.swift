import Chain

/// Whether the node is ready for traffic (`GET /ready`, for orchestrators): in sync
/// within ``NodeStatus/readyMaxBlocksBehind`` blocks of its peers' head, and — for an
/// authority that runs an enclave on a confidential chain — its enclave trusted by the
/// registry and holding the current key. `reasons` says what is missing when not ready.
public struct Readiness: Sendable, Equatable {
    public var ready: Bool { reasons.isEmpty }
    public var reasons: [String]
}

extension RPCBackend {
    public func readiness() -> Readiness {
        readiness(sync: syncState(), enclave: status.enclave?())
    }

    /// Readiness from a ``syncState()`` and an enclave summary the caller has already read
    /// (a report that shows them too reads each once).
    public func readiness(sync: (syncing: Bool, starting: UInt64, current: UInt64, highest: UInt64),
                          enclave: EnclaveSummary?) -> Readiness {
        var reasons: [String] = []
        if sync.syncing, sync.highest > sync.current, sync.highest - sync.current > status.readyMaxBlocksBehind {
            reasons.append("syncing: block \(sync.current) of \(sync.highest) (more than \(status.readyMaxBlocksBehind) behind)")
        }
        if let summary = enclave, !summary.trusted {
            reasons.append("enclave not trusted: \(summary.reason ?? "unknown reason")")
        }
        return Readiness(reasons: reasons)
    }

    /// `/health` and `/ready` bodies: a small JSON object.
    public func healthBody(ready: Readiness?) -> JSON {
        var fields: [(String, JSON)] = [("status", .string(ready.map { $0.ready ? "ready" : "not ready" } ?? "ok")),
                                        ("head", .number(String(chain.head.header.number)))]
        if let ready { fields.append(("reasons", .array(ready.reasons.map(JSON.string)))) }
        return .object(fields)
    }
}
