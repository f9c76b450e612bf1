import Primitives
import ChainTypes

extension RPCBackend {
    func registerWeb3(_ m: inout [String: MethodHandler]) {
        let version = clientVersion
        let chainID = chain.config.chainID
        m["web3_clientVersion"] = { _, _ in .string(version) }
        m["web3_sha3"] = { p, _ in Format.hash(Keccak256.hash(try p.data(0))) }
        m["net_version"] = { _, _ in .string(String(chainID)) }
        let status = self.status
        m["net_listening"] = { _, _ in .bool(status.listening()) }
        m["net_peerCount"] = { _, _ in Quantity.json(status.peerCount()) }
        m["eth_chainId"] = { _, _ in Quantity.json(chainID) }
        m["eth_syncing"] = { _, _ in
            guard let p = status.syncing() else { return .bool(false) }
            return .object([("startingBlock", Quantity.json(p.startingBlock)), ("currentBlock", Quantity.json(p.currentBlock)),
                            ("highestBlock", Quantity.json(p.highestBlock))])
        }
        m["eth_mining"] = { _, _ in .bool(status.sealing()) }
        m["eth_hashrate"] = { _, _ in Quantity.json(UInt64(0)) }
        m["eth_protocolVersion"] = { _, _ in Quantity.json(UInt64(68)) }
    }
}
