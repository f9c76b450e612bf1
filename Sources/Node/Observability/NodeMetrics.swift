import Foundation
import CoreMetrics
public import Prometheus
import Primitives
import Chain
import Storage
import RPC
import Synchronization

/// The process's metrics: swift-metrics bootstrapped once onto a Prometheus registry,
/// which `/metrics` renders in the text exposition format. Counters and histograms are
/// kept by the layers as things happen; the gauges of ``NodeGauges`` are read at scrape.
public enum NodeMetrics {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The registry every metric of this process goes to; bootstraps swift-metrics on the
    /// first call (later calls return the same registry).
    public static func registry() -> PrometheusCollectorRegistry {
        installed.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            // Block imports and RPC calls take micro- to milliseconds; the enclave's round trips too.
            let fast: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                    .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                    .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                    .seconds(1), .seconds(2), .seconds(5), .seconds(10)]
            let factory = CatalogMetricsFactory(registry: registry, durationBuckets: fast,
                                                valueBuckets: ["cloister_chain_reorg_depth_blocks": [1, 2, 3, 4, 8, 16, 32, 64, 128]])
            MetricsSystem.bootstrap(factory)
            current = registry
            return registry
        }
    }
}

/// Gauges read when Prometheus scrapes: the head and its age, the pool, peers by
/// direction, sync distance, the data file's map usage, the signer count and, for an
/// authority with an enclave, whether it is trusted.
struct NodeGauges: Sendable {
    let registry: PrometheusCollectorRegistry
    let node: ChainNode

    func update() {
        let chain = node.chain
        let head = chain.head.header
        put("cloister_chain_head_block", Double(head.number))
        put("cloister_chain_head_timestamp_seconds", Double(head.timestamp))
        put("cloister_chain_head_age_seconds", Double(max(0, Date().timeIntervalSince1970 - Double(head.timestamp))))
        let pool = node.pool.status
        put("cloister_txpool_transactions", [("state", "pending")], Double(pool.pending))
        put("cloister_txpool_transactions", [("state", "queued")], Double(pool.queued))
        let peers = node.network?.peerInfos() ?? []
        put("cloister_p2p_peers", [("direction", "inbound")], Double(peers.filter(\.inbound).count))
        put("cloister_p2p_peers", [("direction", "outbound")], Double(peers.filter { !$0.inbound }.count))
        let sync = node.backend.syncState()
        put("cloister_sync_highest_block", Double(sync.highest))
        put("cloister_sync_syncing", Double(sync.syncing ? 1 : 0))
        let enclave = node.backend.status.enclave?()
        put("cloister_node_ready", Double(node.backend.readiness(sync: sync, enclave: enclave).ready ? 1 : 0))
        if let usage = node.store.mapUsage {
            put("cloister_storage_map_used_bytes", Double(usage.used))
            put("cloister_storage_map_size_bytes", Double(usage.mapSize))
        }
        if let clique = node.backend.clique,
           let snapshot = try? clique.snapshot(number: head.number, hash: chain.head.hash, reader: chain.headers) {
            put("cloister_clique_signers", Double(snapshot.signers.count))
        }
        if let summary = enclave {
            put("cloister_enclave_trusted", Double(summary.trusted ? 1 : 0))
        }
    }

    private func put(_ name: String, _ value: Double) { put(name, [], value) }

    private func put(_ name: String, _ labels: [(String, String)], _ value: Double) {
        registry.makeGauge(descriptor: MetricCatalog.descriptor(name), labels: labels).set(value)
    }
}
