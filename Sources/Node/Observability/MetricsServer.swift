import Hummingbird
import HTTPTypes
import NIOCore
import Logging
import Prometheus
import RPC

/// Where `/metrics` is served (`--metrics --metrics-addr --metrics-port`, go-ethereum's
/// names; its default port 6060).
public struct MetricsConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 6060
    public init() {}
}

/// The metrics endpoint: `GET /metrics` in Prometheus' text exposition format (version
/// 0.0.4), and `GET /health` and `GET /ready` as on the JSON-RPC port, for orchestrators
/// that probe this port. Serves nothing else (404).
enum MetricsServer {
    static func application(node: ChainNode, registry: PrometheusCollectorRegistry, configuration: MetricsConfiguration,
                            logger: Logger) -> some ApplicationProtocol {
        let gauges = NodeGauges(registry: registry, node: node)
        let backend = node.backend
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            gauges.update()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/health") { _, _ -> Response in
            json(backend.healthBody(ready: nil).serialized, status: .ok)
        }
        router.get("/ready") { _, _ -> Response in
            let ready = backend.readiness()
            return json(backend.healthBody(ready: ready).serialized, status: ready.ready ? .ok : .serviceUnavailable)
        }
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                                serverName: nil),
                           logger: logger)
    }

    private static func json(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
