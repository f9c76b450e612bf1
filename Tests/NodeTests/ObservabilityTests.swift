import Testing
import Foundation
import Logging
import CoreMetrics
import Prometheus
@testable import Node

/// The node's log lines and metric exposition: what pipelines and Prometheus read.
struct ObservabilityTests {
    @Test func jsonLinesEscapeEverythingAndKeepTheFields() throws {
        let line = JSONLogHandler.line(
            timestamp: Date(timeIntervalSince1970: 1_796_674_094.25), level: .info, label: "cloister.node",
            message: "quote \" backslash \\ newline \n tab \t bell \u{07} é", source: "Node",
            metadata: ["number": "7", "nested": .dictionary(["b": "2", "a": .array(["x", "y"])]), "msg": "shadowed"])
        #expect(line.last == 0x0a)
        #expect(!line.dropLast().contains(0x0a), "one record, one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-12-07T20:08:14.250Z")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "cloister.node")
        #expect(object["msg"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} é")
        #expect(object["source"] as? String == "Node")
        #expect(object["number"] as? String == "7")
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["a"] as? [String] == ["x", "y"])
        #expect(nested["b"] as? String == "2")
    }

    @Test func verbosityTakesGethNumbersAndNames() {
        #expect(NodeLogging.level("0") == .critical)
        #expect(NodeLogging.level("1") == .error)
        #expect(NodeLogging.level("warn") == .warning)
        #expect(NodeLogging.level("3") == .info)
        #expect(NodeLogging.level("DEBUG") == .debug)
        #expect(NodeLogging.level("5") == .trace)
        #expect(NodeLogging.level("6") == nil)
        #expect(NodeLogging.level("loud") == nil)
    }

    @Test func everyFamilyGetsItsHelpText() {
        let registry = PrometheusCollectorRegistry()
        let factory = CatalogMetricsFactory(registry: registry, durationBuckets: [.milliseconds(1), .seconds(1)], valueBuckets: [:])
        Counter(label: "cloister_txpool_admitted_total", factory: factory).increment(by: 3)
        Counter(label: "cloister_rpc_requests_total", dimensions: [("method", "eth_call")], factory: factory).increment()
        CoreMetrics.Timer(label: "cloister_rpc_request_duration_seconds", dimensions: [("method", "eth_call")], factory: factory)
            .recordMilliseconds(2)
        Recorder(label: "cloister_chain_reorg_depth_blocks", factory: factory).record(2)
        Gauge(label: "cloister_chain_last_import_mgas_per_second", factory: factory).record(12.5)
        Counter(label: "cloister_not_in_the_catalog_total", factory: factory).increment()
        let text = registry.emitToString()
        #expect(text.contains("# HELP cloister_txpool_admitted_total Transactions the pool admitted."))
        #expect(text.contains("# TYPE cloister_txpool_admitted_total counter\ncloister_txpool_admitted_total 3"))
        #expect(text.contains(#"cloister_rpc_requests_total{method="eth_call"} 1"#))
        #expect(text.contains("# TYPE cloister_rpc_request_duration_seconds histogram"))
        #expect(text.contains(#"cloister_rpc_request_duration_seconds_bucket{method="eth_call",le="1.0"} 1"#))
        #expect(text.contains("# TYPE cloister_chain_reorg_depth_blocks histogram"))
        #expect(text.contains("cloister_chain_last_import_mgas_per_second 12.5"))
        #expect(text.contains("# HELP cloister_not_in_the_catalog_total Cloister metric cloister_not_in_the_catalog_total."))
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.count
        let helps = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.count
        #expect(families == 6 && helps == families)
    }
}
