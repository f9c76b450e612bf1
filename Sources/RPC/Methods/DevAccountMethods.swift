import Primitives
import ChainTypes
import Chain

extension RPCBackend {
    /// `eth_accounts` and `eth_sendTransaction` for the dev chain's unlocked test accounts
    /// (as anvil and Hardhat offer them); without unlocked accounts `eth_accounts` is empty
    /// and `eth_sendTransaction` says the sender is unknown.
    func registerDevAccounts(_ m: inout [String: MethodHandler]) {
        let keys = unlocked
        m["eth_accounts"] = { _, _ in .array(keys.map { Format.address($0.address) }) }
        m["eth_sendTransaction"] = { [self] p, _ in try await offload { [self] () throws(RPCError) in try sendTransaction(p) } }
    }

    func sendTransaction(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(1)
        let object = try p.require(0)
        var request = try Self.callRequest(object)
        guard let from = request.from else { throw RPCError.invalidParams("0.from: missing sender") }
        guard let key = unlocked.first(where: { $0.address == from }) else { throw RPCError.server("unknown account") }
        let head = chain.head
        let fork = chain.config.fork(atBlock: head.header.number + 1, timestamp: head.header.timestamp)
        let nonce = request.nonce ?? pool.nextNonce(from)
        request.nonce = nonce
        let gas: UInt64
        if let g = request.gas {
            gas = g
        } else {
            do { gas = try chain.estimateGas(request, atHash: head.hash, gasCap: limits.effectiveGasCap, timeout: limits.evmTimeout) } catch {
                if case .gasRequiredExceedsAllowance(_, let last?) = error, last.status == .revert {
                    throw RPCError.reverted(last.output, reason: RevertReason.decode(last.output))
                }
                throw Self.rpcError(error)
            }
        }
        let tx: Transaction
        let value = request.value ?? .zero
        if fork.isEIP1559 && request.gasPrice == nil {
            let base = HeaderRules.expectedBaseFee(parent: head.header, config: chain.config)
            let tip = request.maxPriorityFeePerGas ?? suggestedTip()
            let cap = request.maxFeePerGas ?? (base &* UInt256(2) &+ tip)
            tx = .dynamicFee(DynamicFeeTransaction(chainID: chain.config.chainID, nonce: nonce, maxPriorityFeePerGas: min(tip, cap),
                                                   maxFeePerGas: cap, gasLimit: gas, to: request.to, value: value,
                                                   data: request.data, accessList: request.accessList))
        } else {
            let price = request.gasPrice ?? (HeaderRules.expectedBaseFee(parent: head.header, config: chain.config) &+ suggestedTip())
            tx = .legacy(LegacyTransaction(chainID: chain.config.chainID, nonce: nonce, gasPrice: price, gasLimit: gas,
                                           to: request.to, value: value, data: request.data))
        }
        do { return Format.hash(try pool.add(tx.signed(with: key))) } catch { throw RPCError.server(error.description) }
    }
}
