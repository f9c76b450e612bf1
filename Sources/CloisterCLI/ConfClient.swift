import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Crypto
import CryptoExtras
import Primitives
import ChainTypes
import Attestation

/// The client side of confidential transactions for `cloister conf` (CONFIDENTIAL.md
/// sections 5.1–5.4), against a node it does not trust: the transaction key is used only
/// after the client checked it against the genesis policy it pins (the enclave's stored
/// quote re-verified with the ten checks, its registry standing, the key's signature and
/// generation); every plaintext carries a fresh response key and is sealed with HPKE to
/// that key; results are opened here and nowhere else.
struct ConfClient {
    let url: URL
    let genesis: Genesis
    let policy: ConfidentialConfig
    let genesisHash: Hash32

    init(rpc: String, genesisFile: String) throws {
        guard let url = URL(string: rpc) else { throw CLIError("--rpc: not a URL: \(rpc)") }
        guard let data = FileManager.default.contents(atPath: genesisFile) else { throw CLIError("cannot read \(genesisFile)") }
        do { genesis = try Genesis(json: data) } catch { throw CLIError("\(genesisFile): \(error)") }
        guard let policy = genesis.config.confidential else { throw CLIError("\(genesisFile) has no config.confidential") }
        self.url = url; self.policy = policy; genesisHash = genesis.header.hash
    }

    var chainID: UInt64 { genesis.config.chainID }

    // MARK: JSON-RPC

    func call(_ method: String, _ params: [Any]) throws -> Any {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "method": method, "params": params])
        let box = ReplyBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, _, error in
            box.set(data, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, error) = box.get()
        guard let data else { throw CLIError("\(method): \(error.map { "\($0)" } ?? "no reply") from \(url)") }
        guard let reply = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw CLIError("\(method): not a JSON-RPC reply") }
        if let err = reply["error"] as? [String: Any] { throw CLIError("\(method): \(err["message"] ?? err)") }
        return reply["result"] ?? NSNull()
    }

    func object(_ method: String, _ params: [Any]) throws -> [String: Any] {
        guard let o = try call(method, params) as? [String: Any] else { throw CLIError("\(method): the node answered null") }
        return o
    }

    static func bytes(_ o: [String: Any], _ key: String) throws -> [UInt8] {
        guard let s = o[key] as? String else { throw CLIError("reply field \(key) is missing") }
        do { return try Hex.decode(s) } catch { throw CLIError("reply field \(key): \(error)") }
    }

    static func quantity(_ o: [String: Any], _ key: String) throws -> UInt64 {
        guard let s = o[key] as? String, s.hasPrefix("0x"), let v = UInt64(s.dropFirst(2), radix: 16) else {
            throw CLIError("reply field \(key) is not a quantity")
        }
        return v
    }

    func block(_ tag: String) throws -> (number: UInt64, hash: Hash32, timestamp: UInt64) {
        let b = try object("eth_getBlockByNumber", [tag, false])
        guard let hash = Hash32(try Self.bytes(b, "hash")) else { throw CLIError("block \(tag): bad hash") }
        return (try Self.quantity(b, "number"), hash, try Self.quantity(b, "timestamp"))
    }

    // MARK: The transaction key (section 5.1)

    struct TxKey {
        var number: UInt64
        var blockHash: Hash32
        var epoch: UInt64
        var generation: UInt32
        var publicKey: Curve25519.KeyAgreement.PublicKey
        var simulated: Bool
    }

    /// The key for the block after `number`, refused unless every check passes.
    func txKey(at number: UInt64) throws -> TxKey {
        let at = hex(number)
        let reply = try object("conf_getTxKey", [at])
        let epoch = try Self.quantity(reply, "epoch"), generation = try Self.quantity(reply, "generation")
        guard try Self.quantity(reply, "chainId") == chainID else { throw CLIError("refused: the key is for another chain") }
        guard try Self.quantity(reply, "suite") == 1 else { throw CLIError("refused: unknown suite") }
        guard epoch == (number + 1) / max(policy.epochLength, 1) else { throw CLIError("refused: epoch \(epoch) is not the next block's") }
        guard let g = UInt32(exactly: generation) else { throw CLIError("refused: generation out of range") }
        let publicKey = try Self.bytes(reply, "publicKey")
        let digest = ConfidentialDigest.txKey(chainID: chainID, epoch: epoch, generation: g, suite: 1, publicKey: publicKey)
        let signer: [UInt8]
        do {
            signer = try Secp256k1.recover(hash: digest, signature: try Secp256k1.RecoverableSignature(compact: try Self.bytes(reply, "signature"))).compressed
        } catch { throw CLIError("refused: the key's signature does not verify: \(error)") }
        let enclaveID = Keccak256.hash(signer)
        guard enclaveID.bytes == (try Self.bytes(reply, "enclaveId")) else { throw CLIError("refused: the signature is not the named enclave's") }
        let generations = try object("conf_getGenerations", [at])["generations"] as? [[String: Any]] ?? []
        guard let current = generations.last, try Self.quantity(current, "generation") == generation else {
            throw CLIError("refused: generation \(generation) is not the registry's current one")
        }
        let enclaves = try object("conf_getEnclaves", [at])["enclaves"] as? [[String: Any]] ?? []
        guard let enclave = try enclaves.first(where: { try Self.bytes($0, "enclaveId") == enclaveID.bytes }),
              enclave["status"] as? String == "trusted", try Self.bytes(enclave, "signingKey") == signer else {
            throw CLIError("refused: enclave \(enclaveID) is not trusted by the registry")
        }
        try verifyQuote(enclave)
        let simulated = reply["simulated"] as? Bool ?? false
        guard simulated == policy.insecureSimulation else { throw CLIError("refused: the node's simulated flag differs from the pinned policy") }
        let key: Curve25519.KeyAgreement.PublicKey
        do { key = try .init(rawRepresentation: publicKey) } catch { throw CLIError("refused: not an X25519 key") }
        let b = try block(at)
        return TxKey(number: number, blockHash: b.hash, epoch: epoch, generation: g, publicKey: key, simulated: simulated)
    }

    /// The ten checks over the enclave's stored quote, at the time and ancestry of the block
    /// that registered it, against the policy this client pins.
    private func verifyQuote(_ enclave: [String: Any]) throws {
        let joinedAt = try Self.quantity(enclave, "joinedAt")
        let joined = try block(hex(joinedAt))
        var ancestors: [Hash32] = []
        let depth = min(joinedAt, policy.freshnessBlocks, 256)
        if depth > 0 { for k in 1...depth { ancestors.append(try block(hex(joinedAt - k)).hash) } }
        guard let authority = Address(try Self.bytes(enclave, "authority")) else { throw CLIError("refused: bad authority") }
        let claimed = ClaimedEnclave(authority: authority, signingKey: try Self.bytes(enclave, "signingKey"),
                                     encryptionKey: try Self.bytes(enclave, "encryptionKey"))
        let context = VerificationContext(chainID: chainID, genesisHash: genesisHash, policy: AttestationPolicy(genesis: policy),
                                          genesisPolicyHash: policy.policyHash, blockTime: joined.timestamp, ancestorHashes: ancestors)
        let quote = try Self.bytes(enclave, "quote")
        do { _ = try QuoteVerifier.verify(quote: quote, claimed: claimed, context: context) } catch {
            throw CLIError("refused: the enclave's quote fails \(error.check): \(error.reason)")
        }
    }

    // MARK: Envelopes (sections 5.2 and 5.4)

    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// `rlp([to, data, responseKey, padding])`, padded to a multiple of 256 bytes.
    static func plaintext(to: Address?, data: [UInt8], responseKey: [UInt8]) -> [UInt8] {
        var padding = 0
        while true {
            var e = RLPEncoder(capacity: data.count + 400)
            e.appendList { e in
                e.appendBytes(to?.bytes ?? []); e.appendBytes(data); e.appendBytes(responseKey)
                e.appendBytes([UInt8](repeating: 0, count: padding))
            }
            if e.bytes.count % 256 == 0 { return e.bytes }
            padding += 1
        }
    }

    /// A signed envelope (a transaction, or a view) and its response key.
    func envelope(to: Address?, data: [UInt8], key: TxKey, signer: Secp256k1.PrivateKey, nonce: UInt64, gas: UInt64,
                  maxFee: UInt256, tip: UInt256, view: Bool) throws -> (SignedTransaction, [UInt8]) {
        // A fresh key from the system's CSPRNG (getrandom on Linux) for every envelope.
        var generator = SystemRandomNumberGenerator()
        let responseKey = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var tx = ConfidentialTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas,
                                         epoch: key.epoch, generation: key.generation, enc: [], ciphertext: [])
        do {
            var sender = try HPKE.Sender(recipientKey: key.publicKey, ciphersuite: Self.suite, info: Data(tx.hpkeInfo(view: view)))
            var plain = Self.plaintext(to: to, data: data, responseKey: responseKey)
            defer { SecureMemory.zero(&plain) }
            tx.ciphertext = Array(try sender.seal(plain, authenticating: tx.hpkeAAD(sender: signer.address)))
            tx.enc = Array(sender.encapsulatedKey)
        } catch { throw CLIError("encryption failed: \(error)") }
        let signature = signer.sign(hash: view ? tx.viewSigningHash : tx.signingHash)
        do { return (try SignedTransaction(transaction: .confidential(tx), signature: signature), responseKey) } catch {
            throw CLIError("\(error)")
        }
    }

    /// Opens an `encryptedResult` (section 5.3): `(status, returnData, logs)`.
    static func open(_ encrypted: [UInt8], responseKey: [UInt8], subject: Hash32, extraAAD: [UInt8] = []) throws
        -> (status: Bool, output: [UInt8], logs: [Log]) {
        guard encrypted.count >= 16 else { throw CLIError("the transaction was included without a result (it did not decrypt)") }
        let plain: [UInt8]
        do {
            let box = try AES.GCM._SIV.SealedBox(combined: Keccak256.hash(subject.bytes).bytes.prefix(12) + encrypted)
            plain = Array(try AES.GCM._SIV.open(box, using: SymmetricKey(data: responseKey), authenticating: subject.bytes + extraAAD))
        } catch { throw CLIError("the result does not open with this response key") }
        do {
            var outer = RLPReader(plain)
            var list = try outer.readList()
            let status = try list.readUInt64()
            let output = Array(try list.readBytes())
            var items = try list.readList()
            var logs: [Log] = []
            while !items.isAtEnd {
                var l = try items.readList()
                let address = try l.readFixed(Address.self)
                var topicList = try l.readList()
                var topics: [Hash32] = []
                while !topicList.isAtEnd { topics.append(try topicList.readFixed(Hash32.self)) }
                logs.append(Log(address: address, topics: topics, data: Array(try l.readBytes())))
            }
            return (status == 1, output, logs)
        } catch { throw CLIError("the result's plaintext does not decode: \(error)") }
    }

    func hex(_ n: UInt64) -> String { "0x" + String(n, radix: 16) }
}

/// The reply of one HTTP exchange, handed from URLSession's queue.
private final class ReplyBox: @unchecked Sendable {
    private var data: Data?
    private var error: (any Error)?
    private let lock = NSLock()
    func set(_ d: Data?, _ e: (any Error)?) { lock.withLock { data = d; error = e } }
    func get() -> (Data?, (any Error)?) { lock.withLock { (data, error) } }
}

