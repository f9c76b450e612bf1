import CoreMetrics
import Chain
import Synchronization

/// One JSON-RPC method's metrics. The method label is a registered method's name or
/// `unknown`: a client cannot add series by calling made-up names.
final class RPCMethodMetrics: Sendable {
    let method: String
    /// `cloister_rpc_requests_total{method}`: calls (batch members count one each).
    let requests: Counter
    /// `cloister_rpc_request_duration_seconds{method}`: time from dispatch to answer.
    let duration: CoreMetrics.Timer

    init(method: String) {
        self.method = method
        requests = Counter(label: "cloister_rpc_requests_total", dimensions: [("method", method)])
        duration = CoreMetrics.Timer(label: "cloister_rpc_request_duration_seconds", dimensions: [("method", method)])
    }

    /// `cloister_rpc_errors_total{method,code}`: calls answered with an error, by JSON-RPC code.
    func failed(code: Int) {
        Counter(label: "cloister_rpc_errors_total", dimensions: [("method", method), ("code", String(code))]).increment()
    }
}

/// A method's ``RPCMethodMetrics``, made at its first call (so `/metrics` lists only
/// methods in use, and the metrics go to the factory bootstrapped by then). Lock-free:
/// once made, reading them is one acquiring atomic load. If two first calls race, both
/// make metrics, one set is kept and the other released (the factory hands both the same
/// series, so nothing is lost).
final class RPCMethodMeter: Sendable {
    let method: String
    private let made = Atomic<Unmanaged<RPCMethodMetrics>?>(nil)

    init(method: String) { self.method = method }

    deinit { made.load(ordering: .acquiring)?.release() }

    var metrics: RPCMethodMetrics {
        if let existing = made.load(ordering: .acquiring) { return existing.takeUnretainedValue() }
        let fresh = Unmanaged.passRetained(RPCMethodMetrics(method: method))
        let (won, current) = made.compareExchange(expected: nil, desired: fresh,
                                                  successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
        guard !won, let current else { return fresh.takeUnretainedValue() }
        fresh.release()
        return current.takeUnretainedValue()
    }
}
