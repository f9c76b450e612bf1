import CoreMetrics
import EnclaveProtocol

/// The host's metrics of its enclave link: round trips by message and their outcome.
enum EnclaveMetrics {
    /// `cloister_enclave_round_trip_seconds{message}` and
    /// `cloister_enclave_requests_total{message,outcome}` (`ok`, `refused`, `failed`).
    static func record(_ request: HostRequest, outcome: String, nanoseconds: Int64) {
        let message = request.metricName
        CoreMetrics.Timer(label: "cloister_enclave_round_trip_seconds", dimensions: [("message", message)])
            .recordNanoseconds(nanoseconds)
        Counter(label: "cloister_enclave_requests_total", dimensions: [("message", message), ("outcome", outcome)]).increment()
    }
}

extension HostRequest {
    /// The message's name, as a metric label.
    var metricName: String {
        switch self {
        case .hello: "hello"
        case .getEvidence: "get_evidence"
        case .signChallenge: "sign_challenge"
        case .linkHeaders: "link_headers"
        case .generateKey: "generate_key"
        case .grantKey: "grant_key"
        case .installKey: "install_key"
        case .txKey: "tx_key"
        case .executeBlock: "execute_block"
        case .trieNode: "trie_node"
        case .viewCall: "view_call"
        }
    }
}
