import Primitives
import ChainTypes
import Chain
import EVM

extension RPCBackend {
    func registerState(_ m: inout [String: MethodHandler]) {
        m["eth_blockNumber"] = { [chain] _, _ in Quantity.json(chain.head.header.number) }
        m["eth_getBalance"] = { [self] p, _ in
            try p.atMost(2)
            let h = try header(try p.block(1))
            return Quantity.json(try read { () throws(RPCError) in try account(try p.address(0), h.hash)?.balance ?? .zero })
        }
        m["eth_getTransactionCount"] = { [self] p, _ in
            try p.atMost(2)
            let address = try p.address(0)
            let selector = try p.block(1)
            if selector == .pending { return Quantity.json(pool.nextNonce(address)) }
            let h = try header(selector)
            return Quantity.json(try account(address, h.hash)?.nonce ?? 0)
        }
        m["eth_getCode"] = { [self] p, _ in try getCode(p) }
        m["eth_getStorageAt"] = { [self] p, _ in try getStorageAt(p) }
        m["eth_getProof"] = { [self] p, _ in try await offload { [self] () throws(RPCError) in try getProof(p) } }
        m["eth_gasPrice"] = { [self] _, _ in
            let base = HeaderRules.expectedBaseFee(parent: chain.head.header, config: chain.config)
            return Quantity.json((chain.config.isLondon(chain.head.header.number + 1) ? base : .zero) &+ suggestedTip())
        }
        m["eth_maxPriorityFeePerGas"] = { [self] _, _ in Quantity.json(suggestedTip()) }
        m["eth_feeHistory"] = { [self] p, _ in try await offload { [self] () throws(RPCError) in try feeHistory(p) } }
        m["eth_call"] = { [self] p, _ in try await offload { [self] () throws(RPCError) in try call(p) } }
        m["eth_estimateGas"] = { [self] p, _ in try await offload { [self] () throws(RPCError) in try estimateGas(p) } }
    }

    func getCode(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(2)
        let h = try header(try p.block(1))
        let address = try p.address(0)
        do { return Format.data(try chain.code(address, atHash: h.hash)) } catch { throw RPCError.internalError("\(error)") }
    }

    func getStorageAt(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(3)
        let address = try p.address(0)
        let slot = try Self.slot(try p.require(1), field: "1")
        let h = try header(try p.block(2))
        do {
            let v = try chain.storage(address, slot: slot, atHash: h.hash)
            return Format.data(v.bigEndianBytes)
        } catch { throw RPCError.internalError("\(error)") }
    }

    func getProof(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(3)
        let address = try p.address(0)
        guard case .array(let keys) = try p.require(1) else { throw RPCError.invalidParams("1: expected an array of storage keys") }
        guard keys.count <= limits.proofKeys else {
            throw RPCError.invalidParams("1: too many storage keys (\(keys.count); limit \(limits.proofKeys))")
        }
        var slots: [UInt256] = []
        for (i, k) in keys.enumerated() { slots.append(try Self.slot(k, field: "1[\(i)]")) }
        let h = try header(try p.block(2))
        let proof: AccountProof?
        do { proof = try chain.proof(address, slots: slots, atHash: h.hash) } catch { throw RPCError.internalError("\(error)") }
        guard let proof else { throw RPCError.server("header not found") }
        return .object([
            ("address", Format.address(address)),
            ("accountProof", .array(proof.accountProof.map(Format.data))),
            ("balance", Quantity.json(proof.account.balance)),
            ("codeHash", Format.hash(proof.account.codeHash)),
            ("nonce", Quantity.json(proof.account.nonce)),
            ("storageHash", Format.hash(proof.account.storageRoot)),
            ("storageProof", .array(proof.storage.map { s in
                .object([("key", Format.data(s.key.bigEndianBytes)), ("value", Quantity.json(s.value)),
                         ("proof", .array(s.proof.map(Format.data)))])
            })),
        ])
    }

    func call(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(3)
        let request = try Self.callRequest(try p.require(0))
        let h = try header(try p.block(1))
        let outcome: CallOutcome
        do { outcome = try chain.call(request, atHash: h.hash, gasCap: limits.effectiveGasCap, timeout: limits.evmTimeout) } catch {
            throw Self.rpcError(error)
        }
        if outcome.status == .revert { throw RPCError.reverted(outcome.output, reason: RevertReason.decode(outcome.output)) }
        if !outcome.succeeded { throw RPCError.server(Self.statusMessage(outcome.status)) }
        return Format.data(outcome.output)
    }

    func estimateGas(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(2)
        let request = try Self.callRequest(try p.require(0))
        let h = try header(try p.block(1))
        do {
            return Quantity.json(try chain.estimateGas(request, atHash: h.hash, gasCap: limits.effectiveGasCap,
                                                       timeout: limits.evmTimeout))
        } catch {
            if case .gasRequiredExceedsAllowance(_, let last?) = error {
                if last.status == .revert { throw RPCError.reverted(last.output, reason: RevertReason.decode(last.output)) }
                if last.status != .outOfGas { throw RPCError.server(Self.statusMessage(last.status)) }
            }
            throw Self.rpcError(error)
        }
    }

    func read<T>(_ body: () throws(RPCError) -> T) throws(RPCError) -> T { try body() }

    func account(_ address: Address, _ hash: Hash32) throws(RPCError) -> Account? {
        do { return try chain.account(address, atHash: hash) } catch { throw RPCError.internalError("\(error)") }
    }

    /// A storage key: a QUANTITY or 32-byte DATA (clients send both).
    static func slot(_ v: JSON, field: String) throws(RPCError) -> UInt256 {
        guard case .string(let s) = v else { throw RPCError.invalidParams("\(field): expected a hex storage key") }
        guard s.hasPrefix("0x"), s.count <= 66 else { throw RPCError.invalidParams("\(field): storage key too long (want at most 32 bytes)") }
        guard let value = try? UInt256(hex: s) else { throw RPCError.invalidParams("\(field): invalid hex storage key") }
        return value
    }

    static func statusMessage(_ status: StatusCode) -> String {
        switch status {
        case .outOfGas: "out of gas"
        case .invalidInstruction: "invalid opcode: INVALID"
        case .undefinedInstruction: "invalid opcode"
        case .stackOverflow: "stack limit reached 1024 (1023)"
        case .stackUnderflow: "stack underflow"
        case .badJumpDestination: "invalid jump destination"
        case .invalidMemoryAccess: "return data out of bounds"
        case .staticModeViolation: "write protection"
        case .contractValidationFailure: "invalid code: must not begin with 0xef / max code size exceeded"
        case .createCollision: "contract address collision"
        case .precompileFailure: "precompiled contract failed"
        case .internalError: "internal error"
        case .interrupted: "execution aborted (timeout)"
        case .success, .revert: "execution reverted"
        }
    }

    static func rpcError(_ e: CallError) -> RPCError {
        switch e {
        case .unknownBlock: .server("header not found")
        case .invalid(let ex): .server("\(ex)")
        case .state(let s): .internalError("\(s)")
        case .unsupportedFork(let f): .server("fork \(f) is not supported by this EVM")
        case .gasRequiredExceedsAllowance(let cap, _): .server("gas required exceeds allowance (\(cap))")
        case .timeout(let limit): .server("execution aborted (timeout = \(limit))")
        case .ancestors(let why): .internalError(why)
        case .confidentialContract: .server(e.description)
        }
    }

    /// A call object (`eth_call`, `eth_estimateGas`).
    static func callRequest(_ v: JSON) throws(RPCError) -> CallRequest {
        guard case .object = v else { throw RPCError.invalidParams("0: expected a transaction call object") }
        var r = CallRequest()
        func opt<T>(_ key: String, _ decode: (JSON, String) throws(RPCError) -> T) throws(RPCError) -> T? {
            guard let x = v[key], !x.isNull else { return nil }
            return try decode(x, "0.\(key)")
        }
        r.from = try opt("from", Params.address)
        r.to = try opt("to", Params.address)
        r.gas = try opt("gas", Params.quantity64)
        r.gasPrice = try opt("gasPrice", Params.quantity)
        r.maxFeePerGas = try opt("maxFeePerGas", Params.quantity)
        r.maxPriorityFeePerGas = try opt("maxPriorityFeePerGas", Params.quantity)
        r.value = try opt("value", Params.quantity)
        r.nonce = try opt("nonce", Params.quantity64)
        if r.gasPrice != nil && (r.maxFeePerGas != nil || r.maxPriorityFeePerGas != nil) {
            throw RPCError.invalidParams("0: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
        }
        let input = try opt("input", Params.data)
        let data = try opt("data", Params.data)
        if let input, let data, input != data {
            throw RPCError.invalidParams("0: both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data")
        }
        r.data = input ?? data ?? []
        if let list = v["accessList"], case .array(let entries) = list {
            var out: [AccessListEntry] = []
            for (i, e) in entries.enumerated() {
                let address = try Params.address(e["address"] ?? .null, field: "0.accessList[\(i)].address")
                var keys: [Hash32] = []
                for (j, k) in (e["storageKeys"]?.arrayValue ?? []).enumerated() {
                    keys.append(try Params.hash(k, field: "0.accessList[\(i)].storageKeys[\(j)]"))
                }
                out.append(AccessListEntry(address: address, storageKeys: keys))
            }
            r.accessList = AccessList(out)
        }
        return r
    }

    /// A priority fee that recent blocks paid: the 60th percentile of their transactions'
    /// effective tips over the last 20 blocks (go-ethereum's oracle), 1 gwei when they had none.
    func suggestedTip() -> UInt256 {
        let head = chain.head.header.number
        var tips: [UInt256] = []
        var n = head
        for _ in 0..<20 {
            if let h = chain.canonicalHeader(n), let txs = chain.transactionInfos(blockHash: h.hash) {
                for t in txs {
                    let base = t.baseFee ?? .zero
                    let price = t.effectiveGasPrice
                    if price > base { tips.append(price &- base) }
                }
            }
            if n == 0 { break }
            n -= 1
        }
        guard !tips.isEmpty else { return UInt256(1_000_000_000) }
        tips.sort()
        return tips[(tips.count - 1) * 60 / 100]
    }

    func feeHistory(_ p: Params) throws(RPCError) -> JSON {
        try p.atMost(3)
        let count = try p.quantity64(0)
        let newest = try header(try p.block(1))
        var percentiles: [Double] = []
        if let list = p.at(2) {
            guard case .array(let items) = list else { throw RPCError.invalidParams("2: expected an array of percentiles") }
            guard items.count <= limits.feeHistoryPercentiles else {
                throw RPCError.invalidParams("2: too many reward percentiles (\(items.count); limit \(limits.feeHistoryPercentiles))")
            }
            for (i, item) in items.enumerated() {
                guard case .number(let text) = item, let v = Double(text), v >= 0, v <= 100 else {
                    throw RPCError.invalidParams("2: invalid reward percentile \(i)")
                }
                if let last = percentiles.last, v < last { throw RPCError.invalidParams("2: invalid reward percentile: #\(i-1):\(last) > #\(i):\(v)") }
                percentiles.append(v)
            }
        }
        let blocks = min(count, limits.feeHistoryBlocks, newest.header.number + 1)
        guard blocks > 0 else {
            return .object([("oldestBlock", Quantity.json(UInt64(0))), ("baseFeePerGas", .array([])), ("gasUsedRatio", .array([]))])
        }
        let oldest = newest.header.number + 1 - blocks
        var baseFees: [JSON] = [], ratios: [JSON] = [], rewards: [JSON] = []
        var last = newest.header
        for n in oldest...newest.header.number {
            guard let h = chain.canonicalHeader(n) else { throw RPCError.server("header not found") }
            baseFees.append(Quantity.json(h.header.baseFeePerGas ?? .zero))
            ratios.append(.number(String(h.header.gasLimit == 0 ? 0 : Double(h.header.gasUsed) / Double(h.header.gasLimit))))
            if !percentiles.isEmpty { rewards.append(.array(rewardPercentiles(h, percentiles).map(Quantity.json))) }
            last = h.header
        }
        let next = chain.config.isLondon(last.number + 1) ? HeaderRules.expectedBaseFee(parent: last, config: chain.config) : .zero
        baseFees.append(Quantity.json(next))
        var out: [(String, JSON)] = [("oldestBlock", Quantity.json(oldest)), ("baseFeePerGas", .array(baseFees)),
                                     ("gasUsedRatio", .array(ratios))]
        if !percentiles.isEmpty { out.append(("reward", .array(rewards))) }
        return .object(out)
    }

    /// Effective tips at gas-weighted percentiles of one block (go-ethereum's method).
    func rewardPercentiles(_ h: SealedHeader, _ percentiles: [Double]) -> [UInt256] {
        guard let receipts = chain.receiptInfos(blockHash: h.hash), !receipts.isEmpty else {
            return percentiles.map { _ in .zero }
        }
        let base = h.header.baseFeePerGas ?? .zero
        let sorted = receipts.map { r in (tip: r.transaction.effectiveGasPrice &- min(base, r.transaction.effectiveGasPrice), gas: r.gasUsed) }
            .sorted { $0.tip < $1.tip }
        var out: [UInt256] = []
        var i = 0
        var cumulative = sorted[0].gas
        for p in percentiles {
            let threshold = UInt64(Double(h.header.gasUsed) * p / 100)
            while cumulative < threshold && i < sorted.count - 1 { i += 1; cumulative += sorted[i].gas }
            out.append(sorted[i].tip)
        }
        return out
    }
}

/// Decodes `Error(string)` revert data into its reason.
enum RevertReason {
    static func decode(_ output: [UInt8]) -> String? {
        // selector 0x08c379a0, offset, length, bytes
        guard output.count >= 68, output[0..<4].elementsEqual([0x08, 0xc3, 0x79, 0xa0]) else { return nil }
        guard let length = UInt256(bigEndianBytes: output[36..<68]), length.w1 == 0, length.w2 == 0, length.w3 == 0,
              length.w0 <= UInt64(output.count - 68) else { return nil }
        return String(decoding: output[68..<(68 + Int(length.w0))], as: UTF8.self)
    }
}
