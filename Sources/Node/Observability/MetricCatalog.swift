import CoreMetrics
import Prometheus

/// Every metric the node exports, with its `# HELP` text: the one place to read what
/// `/metrics` holds. A name missing here is still exported, with a generic help line.
enum MetricCatalog {
    static let help: [String: String] = [
        // Chain
        "cloister_chain_head_block": "Number of the canonical head block.",
        "cloister_chain_head_timestamp_seconds": "Timestamp of the canonical head block (Unix seconds).",
        "cloister_chain_head_age_seconds": "Seconds since the canonical head block's timestamp.",
        "cloister_chain_blocks_imported_total": "Blocks imported with full validation, by outcome (extended, reorganized, side_chain).",
        "cloister_chain_blocks_refused_total": "Blocks refused on import, by the rule that failed.",
        "cloister_chain_blocks_sealed_total": "Blocks this node sealed, in turn or out of turn.",
        "cloister_chain_canonical_blocks_total": "Blocks that became canonical (sealed here or imported), in turn or out of turn.",
        "cloister_chain_block_import_seconds": "Time to verify, execute and store one imported block.",
        "cloister_chain_imported_gas_total": "Gas of the imported blocks (rate()/1e6 is Mgas/s).",
        "cloister_chain_last_import_mgas_per_second": "Mgas/s of the last imported block that used gas.",
        "cloister_chain_reorgs_total": "Reorganisations of the canonical chain.",
        "cloister_chain_reorg_depth_blocks": "Blocks removed from the canonical chain per reorganisation.",
        "cloister_clique_signers": "Clique signers at the head.",
        // Pool
        "cloister_txpool_transactions": "Transactions in the pool, by state (pending, queued).",
        "cloister_txpool_admitted_total": "Transactions the pool admitted.",
        "cloister_txpool_rejected_total": "Transactions the pool refused, by reason.",
        // Network
        "cloister_p2p_peers": "Connected peers, by direction.",
        "cloister_p2p_peers_connected_total": "Peers admitted after Hello and Status, by direction.",
        "cloister_p2p_disconnects_total": "Peer sessions that ended, by side (local, remote) and reason.",
        "cloister_p2p_bytes_total": "Message bytes to and from peers (after Snappy, before RLPx framing), by direction and protocol.",
        "cloister_sync_highest_block": "Highest block number peers have shown (the current head when in sync).",
        "cloister_sync_syncing": "1 while a peer claims more total difficulty than the head.",
        "cloister_node_ready": "1 when GET /ready answers 200.",
        // RPC
        "cloister_rpc_requests_total": "JSON-RPC calls, by method (unknown for names not served).",
        "cloister_rpc_errors_total": "JSON-RPC calls answered with an error, by method and error code.",
        "cloister_rpc_request_duration_seconds": "Time from dispatch to answer of one JSON-RPC call, by method.",
        // Confidential module
        "cloister_confidential_faults_total": "Confidential blocks this authority's enclave re-executed differently (section 8, step 3).",
        "cloister_enclave_requests_total": "Requests to this node's enclave, by message and outcome (ok, refused, failed).",
        "cloister_enclave_round_trip_seconds": "Round trip of one request to this node's enclave, by message.",
        "cloister_enclave_trusted": "1 when this node's enclave is trusted by the registry and holds the current key.",
        "cloister_attestation_verdicts_total": "Quote verifications of enclave joins executed, by the failing check (passed when all ten held).",
        // Storage
        "cloister_storage_map_used_bytes": "Bytes of the LMDB data file in use.",
        "cloister_storage_map_size_bytes": "Size of the LMDB memory map (the most the data file may hold).",
    ]

    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "Cloister metric \(name).")
    }
}

/// swift-metrics onto a Prometheus registry, with each metric's help text from
/// ``MetricCatalog`` (swift-prometheus' own factory emits none). Timers become duration
/// histograms, aggregating recorders value histograms, the rest counters and gauges.
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let durationBuckets: [Duration]
    let valueBuckets: [String: [Double]]
    let defaultValueBuckets: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: MetricCatalog.descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: MetricCatalog.descriptor(label), labels: dimensions,
                                           buckets: valueBuckets[label] ?? defaultValueBuckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: MetricCatalog.descriptor(label), labels: dimensions, buckets: durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
