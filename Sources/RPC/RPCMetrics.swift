import CoreMetrics
import Chain

/// One JSON-RPC method's metrics. The method label is a registered method's name or
/// `unknown`: a client cannot add series by calling made-up names.
struct RPCMethodMetrics: Sendable {
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
