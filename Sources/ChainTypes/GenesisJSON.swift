public import Foundation
import Primitives

/// Why a genesis file was refused: the field (a JSON path such as
/// `alloc.0x12…34.balance`) and the reason.
public struct GenesisError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) { self.field = field; self.reason = reason }

    public var description: String { field.isEmpty ? "genesis: \(reason)" : "genesis: \(field): \(reason)" }
}

extension Genesis {
    /// Reads a geth-format genesis file.
    public init(contentsOf url: URL) throws(GenesisError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GenesisError(field: "", reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(json: data)
    }

    /// Parses geth-format genesis JSON.
    public init(json data: Data) throws(GenesisError) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw GenesisError(field: "", reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw GenesisError(field: "", reason: "top level is not a JSON object") }
        let j = GenesisJSONReader(root, path: "")
        guard let configObject = root["config"] else { throw GenesisError(field: "config", reason: "missing") }
        guard let config = configObject as? [String: Any] else { throw GenesisError(field: "config", reason: "not an object") }
        let c = GenesisJSONReader(config, path: "config.")
        guard let chainID = try c.uint64("chainId") else { throw GenesisError(field: "config.chainId", reason: "missing") }
        var chain = ChainConfig(chainID: chainID)
        chain.homesteadBlock = try c.uint64("homesteadBlock")
        chain.daoForkBlock = try c.uint64("daoForkBlock")
        chain.daoForkSupport = try c.bool("daoForkSupport") ?? false
        chain.eip150Block = try c.uint64("eip150Block")
        chain.eip155Block = try c.uint64("eip155Block")
        chain.eip158Block = try c.uint64("eip158Block")
        chain.byzantiumBlock = try c.uint64("byzantiumBlock")
        chain.constantinopleBlock = try c.uint64("constantinopleBlock")
        chain.petersburgBlock = try c.uint64("petersburgBlock")
        chain.istanbulBlock = try c.uint64("istanbulBlock")
        chain.muirGlacierBlock = try c.uint64("muirGlacierBlock")
        chain.berlinBlock = try c.uint64("berlinBlock")
        chain.londonBlock = try c.uint64("londonBlock")
        chain.arrowGlacierBlock = try c.uint64("arrowGlacierBlock")
        chain.grayGlacierBlock = try c.uint64("grayGlacierBlock")
        chain.mergeNetsplitBlock = try c.uint64("mergeNetsplitBlock")
        chain.shanghaiTime = try c.uint64("shanghaiTime")
        chain.cancunTime = try c.uint64("cancunTime")
        chain.terminalTotalDifficulty = try c.uint256("terminalTotalDifficulty")
        chain.terminalTotalDifficultyPassed = try c.bool("terminalTotalDifficultyPassed") ?? false
        if let cliqueObject = config["clique"] {
            guard let clique = cliqueObject as? [String: Any] else { throw GenesisError(field: "config.clique", reason: "not an object") }
            let q = GenesisJSONReader(clique, path: "config.clique.")
            let epoch = try q.uint64("epoch") ?? 0
            chain.clique = CliqueConfig(period: try q.uint64("period") ?? 0, epoch: epoch == 0 ? CliqueConfig.defaultEpoch : epoch)
        }
        if let networkObject = config["network"] {
            guard let network = networkObject as? [String: Any] else { throw GenesisError(field: "config.network", reason: "not an object") }
            var allowed: [String] = []
            if let list = network["allowedNodes"] {
                guard let items = list as? [Any] else { throw GenesisError(field: "config.network.allowedNodes", reason: "not a list") }
                for (i, item) in items.enumerated() {
                    guard let text = item as? String else {
                        throw GenesisError(field: "config.network.allowedNodes[\(i)]", reason: "not a string (an enode URL or node id)")
                    }
                    allowed.append(text)
                }
            }
            chain.network = NetworkConfig(allowedNodes: allowed)
        }
        if let confidentialObject = config["confidential"], !(confidentialObject is NSNull) {
            guard let confidential = confidentialObject as? [String: Any] else {
                throw GenesisError(field: "config.confidential", reason: "not an object")
            }
            chain.confidential = try ConfidentialConfig(json: confidential)
        }
        try Genesis.checkForkOrder(chain)

        var alloc: [Address: GenesisAccount] = [:]
        if let allocObject = root["alloc"] {
            guard let accounts = allocObject as? [String: Any] else { throw GenesisError(field: "alloc", reason: "not an object") }
            for (key, value) in accounts {
                let path = "alloc.\(key)"
                let hex = key.hasPrefix("0x") || key.hasPrefix("0X") ? key : "0x" + key
                guard let address = try? Address(hex: hex) else { throw GenesisError(field: path, reason: "not a 20-byte hex address") }
                guard let fields = value as? [String: Any] else { throw GenesisError(field: path, reason: "not an object") }
                let a = GenesisJSONReader(fields, path: path + ".")
                var storage: [UInt256: UInt256] = [:]
                if let storageObject = fields["storage"] {
                    guard let slots = storageObject as? [String: Any] else { throw GenesisError(field: path + ".storage", reason: "not an object") }
                    for (slotText, valueAny) in slots {
                        let slotPath = "\(path).storage.\(slotText)"
                        guard let slot = try? UInt256(hex: slotText) else { throw GenesisError(field: slotPath, reason: "slot is not hex of at most 32 bytes") }
                        guard let valueText = valueAny as? String, let v = try? UInt256(hex: valueText) else {
                            throw GenesisError(field: slotPath, reason: "value is not hex of at most 32 bytes")
                        }
                        storage[slot] = v
                    }
                }
                guard let balance = try a.uint256("balance") else { throw GenesisError(field: path + ".balance", reason: "missing") }
                alloc[address] = GenesisAccount(balance: balance, nonce: try a.uint64("nonce") ?? 0,
                                                code: try a.bytes("code") ?? [], storage: storage)
            }
        }

        self.init(config: chain,
                  nonce: try j.uint64("nonce") ?? 0,
                  timestamp: try j.uint64("timestamp") ?? 0,
                  extraData: try j.bytes("extraData") ?? [],
                  gasLimit: try j.uint64("gasLimit") ?? 0,
                  difficulty: try j.uint256("difficulty"),
                  mixHash: try j.fixed("mixHash", Hash32.self) ?? .zero,
                  coinbase: try j.fixed("coinbase", Address.self) ?? .zero,
                  alloc: alloc,
                  number: try j.uint64("number") ?? 0,
                  gasUsed: try j.uint64("gasUsed") ?? 0,
                  parentHash: try j.fixed("parentHash", Hash32.self) ?? .zero,
                  baseFeePerGas: try j.uint256("baseFeePerGas"),
                  excessBlobGas: try j.uint64("excessBlobGas"),
                  blobGasUsed: try j.uint64("blobGasUsed"))
    }

    /// Block-numbered forks must activate in order (geth's `CheckConfigForkOrder`).
    static func checkForkOrder(_ c: ChainConfig) throws(GenesisError) {
        let ordered: [(String, UInt64?)] = [
            ("homesteadBlock", c.homesteadBlock), ("eip150Block", c.eip150Block), ("eip155Block", c.eip155Block),
            ("eip158Block", c.eip158Block), ("byzantiumBlock", c.byzantiumBlock),
            ("constantinopleBlock", c.constantinopleBlock), ("petersburgBlock", c.petersburgBlock),
            ("istanbulBlock", c.istanbulBlock), ("berlinBlock", c.berlinBlock), ("londonBlock", c.londonBlock),
        ]
        var last: (String, UInt64)?
        for (name, block) in ordered {
            guard let block else { continue }
            if let last, block < last.1 {
                throw GenesisError(field: "config.\(name)", reason: "activates at block \(block), before \(last.0) at \(last.1)")
            }
            last = (name, block)
        }
        if c.shanghaiTime != nil && c.londonBlock == nil {
            throw GenesisError(field: "config.shanghaiTime", reason: "set without londonBlock")
        }
        if let cancun = c.cancunTime, let shanghai = c.shanghaiTime, cancun < shanghai {
            throw GenesisError(field: "config.cancunTime", reason: "before shanghaiTime")
        }
        if c.cancunTime != nil && c.shanghaiTime == nil {
            throw GenesisError(field: "config.cancunTime", reason: "set without shanghaiTime")
        }
    }
}

/// Typed field access over one JSON object, naming the field in every error.
struct GenesisJSONReader {
    let object: [String: Any]
    let path: String

    init(_ object: [String: Any], path: String) { self.object = object; self.path = path }

    private func fail(_ key: String, _ reason: String) -> GenesisError { GenesisError(field: path + key, reason: reason) }

    /// Text of a number: a string as is, a JSON number in exact decimal.
    private func numberText(_ key: String) throws(GenesisError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        if let s = value as? String { return s.trimmingCharacters(in: .whitespaces) }
        if let n = value as? NSNumber {
            if isJSONBoolean(n) { throw fail(key, "expected a number, found a boolean") }
            let text = n.stringValue
            guard !text.isEmpty, text.allSatisfy(\.isNumber) else { throw fail(key, "\(text) is not a non-negative integer") }
            return text
        }
        throw fail(key, "expected a number")
    }

    func uint256(_ key: String) throws(GenesisError) -> UInt256? {
        guard let text = try numberText(key) else { return nil }
        do { return try UInt256(parsing: text) } catch { throw fail(key, "\"\(text)\": \(error)") }
    }

    func uint64(_ key: String) throws(GenesisError) -> UInt64? {
        guard let v = try uint256(key) else { return nil }
        guard let small = v.uint64 else { throw fail(key, "\(v) does not fit in 64 bits") }
        return small
    }

    func bool(_ key: String) throws(GenesisError) -> Bool? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let n = value as? NSNumber, isJSONBoolean(n) else { throw fail(key, "expected true or false") }
        return n.boolValue
    }

    func bytes(_ key: String) throws(GenesisError) -> [UInt8]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw fail(key, "expected a hex string") }
        do { return try Hex.decode(text) } catch { throw fail(key, "\(error)") }
    }

    func fixed<T: FixedBytes>(_ key: String, _ type: T.Type) throws(GenesisError) -> T? {
        guard let b = try bytes(key) else { return nil }
        guard let value = T(b) else { throw fail(key, "expected \(T.byteCount) bytes, got \(b.count)") }
        return value
    }
}

/// Whether JSONSerialization produced this number from `true`/`false`
/// (Foundation boxes booleans in a private NSNumber subclass on every platform).
private func isJSONBoolean(_ n: NSNumber) -> Bool {
    String(describing: type(of: n)).contains("Boolean")
}
