public import Foundation
import Logging
public import Primitives
import ChainTypes
import Chain
public import P2P
import RPC
import ServiceLifecycle

/// The network as a service of the node's group: runs until graceful shutdown.
struct NetworkService: Service {
    let network: P2PNetwork
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await network.run() }
    }
}

/// Builds what the node needs to join the consortium network.
public enum NetworkSetup {
    /// Enode URLs from `DATADIR/static-nodes.json` (a JSON list of strings), or none
    /// when the file is absent; a malformed file or URL is an error naming it.
    public static func staticNodes(dataDirectory: String) throws(NodeError) -> [EnodeURL] {
        let path = (dataDirectory as NSString).appendingPathComponent("static-nodes.json")
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try enodes(fromJSON: data, source: path)
    }

    /// A JSON list of enode URLs (or 128-hex node ids when `idsAllowed`).
    public static func enodes(fromJSON data: Data, source: String) throws(NodeError) -> [EnodeURL] {
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw NodeError("\(source): expected a JSON list of enode URLs")
        }
        var out: [EnodeURL] = []
        for (i, item) in list.enumerated() {
            guard let text = item as? String else { throw NodeError("\(source)[\(i)]: not a string") }
            do { out.append(try EnodeURL.parse(text)) } catch { throw NodeError("\(source)[\(i)]: \(error)") }
        }
        return out
    }

    /// Node ids from allowlist entries: enode URLs or 128 hex digits (optionally `0x`).
    public static func nodeIDs(_ entries: [String], source: String) throws(NodeError) -> Set<NodeID> {
        var out: Set<NodeID> = []
        for (i, entry) in entries.enumerated() {
            let text = entry.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("enode://") {
                do { out.insert(try EnodeURL.parse(text).nodeID) } catch { throw NodeError("\(source)[\(i)]: \(error)") }
                continue
            }
            guard let bytes = try? Hex.decode(text.hasPrefix("0x") ? text : "0x" + text), let id = NodeID(rawRepresentation: bytes),
                  (try? id.publicKey()) != nil else {
                throw NodeError("\(source)[\(i)]: not an enode URL or a 64-byte node id: \(text)")
            }
            out.insert(id)
        }
        return out
    }

    /// The RPC view of the network (`net_*`, `admin_*`).
    static func hooks(_ network: P2PNetwork, advertisedHost: String) -> AdminHooks {
        AdminHooks(
            nodeInfo: {
                AdminHooks.NodeInfo(id: network.nodeID.description, enode: network.enode(host: advertisedHost),
                                    name: network.configuration.clientID, listenPort: network.listeningPort ?? network.configuration.port)
            },
            peers: {
                network.peerInfos().map { p in
                    AdminHooks.PeerEntry(id: p.id.description, name: p.clientID, capabilities: p.capabilities, inbound: p.inbound,
                                         remoteAddress: p.remoteAddress, head: p.head, totalDifficulty: p.totalDifficulty,
                                         latency: p.latency)
                }
            },
            addPeer: { text in
                network.addPeer(try EnodeURL.parse(text))
                return true
            },
            removePeer: { text in
                let id = text.hasPrefix("enode://") ? try EnodeURL.parse(text).nodeID
                    : try nodeIDs([text], source: "admin_removePeer").first
                guard let id else { return false }
                return network.removePeer(id)
            })
    }
}
