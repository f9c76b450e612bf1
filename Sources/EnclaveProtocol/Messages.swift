public import Primitives
public import ChainTypes

/// Messages the **host sends to the enclave** (direction: host → enclave). Types 0x01–0x7f.
public enum HostRequest: Sendable, Equatable {
    /// Version exchange and liveness (ping): the enclave echoes `nonce`.
    case hello(protocolVersion: UInt32, nonce: UInt64)
    /// A fresh quote bound to the enclave's keys, naming `freshness` (a recent block hash).
    case getEvidence(freshness: Hash32)
    /// A signature by the enclave's signing key over
    /// `keccak("cloister-enclave-challenge-v1" ‖ be32(chainId) ‖ challenge)` — proof that the
    /// enclave holding the attested key is the one answering. The enclave builds the digest
    /// itself, so no host request can make it sign a protocol statement.
    case signChallenge(challenge: Hash32)
    /// Headers extending (or, after a reorg, replacing the tip of) the enclave's verified
    /// chain, oldest first; the enclave checks each link and Clique seal itself.
    case linkHeaders([Header])
    /// Make generation `generation`'s secret and its `0x43` payload, from registry facts
    /// proven at a buried block (CONFIDENTIAL.md section 7).
    case generateKey(generation: UInt32, facts: RegistryProof)
    /// Wrap generation `generation` to enclave `target` as a `0x42` payload.
    case grantKey(target: Hash32, generation: UInt32, facts: RegistryProof)
    /// Install the secret a `0x42` or `0x43` payload (``SystemPayload/encoded``) carries
    /// for this enclave, once the facts prove it on chain.
    case installKey(payload: [UInt8], facts: RegistryProof)
    /// The transaction key statement of section 5.1 for `epoch` under a held `generation`.
    case txKey(epoch: UInt64, generation: UInt32)
    /// Execute a block's `0x40` transactions; the enclave may ask for trie nodes before its
    /// final reply (``EnclaveReply/section(_:)``).
    case executeBlock(ExecuteBlockRequest)
    /// The host's answer to ``EnclaveReply/needTrieNode(_:)`` within an execution: the node's
    /// RLP, or empty when the host does not have it.
    case trieNode(hash: Hash32, node: [UInt8])
    /// A signed view call; the enclave may ask for trie nodes before its final reply
    /// (``EnclaveReply/viewResult(_:)``).
    case viewCall(ViewCallRequest)

    public var type: UInt8 {
        switch self {
        case .hello: 0x01
        case .getEvidence: 0x02
        case .signChallenge: 0x03
        case .linkHeaders: 0x04
        case .generateKey: 0x05
        case .grantKey: 0x06
        case .installKey: 0x07
        case .txKey: 0x08
        case .executeBlock: 0x09
        case .trieNode: 0x0a
        case .viewCall: 0x0b
        }
    }

    /// The message's RLP payload.
    public var payload: [UInt8] {
        var e = RLPEncoder()
        e.appendList { e in
            switch self {
            case .hello(let version, let nonce): e.append(UInt64(version)); e.append(nonce)
            case .getEvidence(let freshness): e.appendBytes(freshness.bytes)
            case .signChallenge(let challenge): e.appendBytes(challenge.bytes)
            case .linkHeaders(let headers): e.appendList { e in for h in headers { h.encode(to: &e) } }
            case .generateKey(let g, let facts): e.append(UInt64(g)); facts.write(to: &e)
            case .grantKey(let target, let g, let facts): e.appendBytes(target.bytes); e.append(UInt64(g)); facts.write(to: &e)
            case .installKey(let payload, let facts): e.appendBytes(payload); facts.write(to: &e)
            case .txKey(let epoch, let g): e.append(epoch); e.append(UInt64(g))
            case .executeBlock(let request): request.write(to: &e)
            case .trieNode(let hash, let node): e.appendBytes(hash.bytes); e.appendBytes(node)
            case .viewCall(let request): request.write(to: &e)
            }
        }
        return e.bytes
    }

    /// Decodes a frame sent by a host.
    public init(frame: RawFrame) throws(FrameError) {
        self = try PayloadReader.decode(frame) { type, r throws -> HostRequest in
            switch type {
            case 0x01:
                let version = try r.readUInt64()
                let nonce = try r.readUInt64()
                guard let v32 = UInt32(exactly: version) else { throw FrameError.malformedPayload(type: type, reason: "protocol version too large") }
                return .hello(protocolVersion: v32, nonce: nonce)
            case 0x02: return .getEvidence(freshness: try r.readFixed(Hash32.self))
            case 0x03: return .signChallenge(challenge: try r.readFixed(Hash32.self))
            case 0x04:
                var list = try r.readList()
                var headers: [Header] = []
                while !list.isAtEnd { headers.append(try Header(rlp: Array(try list.readEncodedItem()))) }
                return .linkHeaders(headers)
            case 0x05:
                let g = try Self.generation(try r.readUInt64(), type: type)
                return .generateKey(generation: g, facts: try RegistryProof.read(from: &r))
            case 0x06:
                let target = try r.readFixed(Hash32.self)
                let g = try Self.generation(try r.readUInt64(), type: type)
                return .grantKey(target: target, generation: g, facts: try RegistryProof.read(from: &r))
            case 0x07:
                let payload = Array(try r.readBytes())
                return .installKey(payload: payload, facts: try RegistryProof.read(from: &r))
            case 0x08:
                let epoch = try r.readUInt64()
                return .txKey(epoch: epoch, generation: try Self.generation(try r.readUInt64(), type: type))
            case 0x09: return .executeBlock(try ExecuteBlockRequest.read(from: &r, type: type))
            case 0x0a:
                let hash = try r.readFixed(Hash32.self)
                return .trieNode(hash: hash, node: Array(try r.readBytes()))
            case 0x0b: return .viewCall(try ViewCallRequest.read(from: &r))
            default: throw FrameError.unknownType(type)
            }
        }
    }
}

extension HostRequest {
    static func generation(_ value: UInt64, type: UInt8) throws(FrameError) -> UInt32 {
        guard let g = UInt32(exactly: value) else { throw FrameError.malformedPayload(type: type, reason: "generation does not fit 32 bits") }
        return g
    }
}

/// Reads a message payload: one RLP list, nothing after it, every item consumed; any RLP
/// error becomes ``FrameError/malformedPayload(type:reason:)``.
enum PayloadReader {
    static func decode<T>(_ frame: RawFrame, _ body: (UInt8, inout RLPReader) throws -> T) throws(FrameError) -> T {
        do {
            var outer = RLPReader(frame.payload)
            var r = try outer.readList()
            try outer.finish()
            let value = try body(frame.type, &r)
            try r.finish()
            return value
        } catch let error as FrameError {
            throw error
        } catch {
            throw .malformedPayload(type: frame.type, reason: "\(error)")
        }
    }
}

/// The evidence an enclave gives for itself: a quote and the public keys it binds.
public struct EnclaveEvidence: Sendable, Equatable {
    public var quote: [UInt8]
    /// Compressed secp256k1 (33 bytes).
    public var signingKey: [UInt8]
    /// X25519 (32 bytes).
    public var encryptionKey: [UInt8]
    public var mrEnclave: Hash32

    public init(quote: [UInt8], signingKey: [UInt8], encryptionKey: [UInt8], mrEnclave: Hash32) {
        self.quote = quote; self.signingKey = signingKey; self.encryptionKey = encryptionKey; self.mrEnclave = mrEnclave
    }
}

/// What an enclave says about itself in its hello reply.
public struct EnclaveStatus: Sendable, Equatable {
    public var protocolVersion: UInt32
    /// The echoed ping nonce.
    public var nonce: UInt64
    /// The enclave build's version text.
    public var enclaveVersion: String
    /// True on the simulated platform (always, in this build).
    public var simulated: Bool
    /// True when the enclave runs in debug mode (the DEBUG attribute is set in its quotes).
    public var debug: Bool
    public var mrEnclave: Hash32
    public var chainID: UInt64
    public var authority: Address

    public init(protocolVersion: UInt32, nonce: UInt64, enclaveVersion: String, simulated: Bool, debug: Bool,
                mrEnclave: Hash32, chainID: UInt64, authority: Address) {
        self.protocolVersion = protocolVersion; self.nonce = nonce; self.enclaveVersion = enclaveVersion
        self.simulated = simulated; self.debug = debug; self.mrEnclave = mrEnclave; self.chainID = chainID; self.authority = authority
    }
}

/// The enclave's verified chain: its tip, and the consortium generations it holds.
public struct EnclaveChainStatus: Sendable, Equatable {
    public var number: UInt64
    public var hash: Hash32
    public var generations: [UInt32]
    public init(number: UInt64, hash: Hash32, generations: [UInt32]) { self.number = number; self.hash = hash; self.generations = generations }
}

/// Error codes of an ``EnclaveReply/error(code:message:)``.
public enum EnclaveErrorCode: UInt8, Sendable, Equatable {
    case badFrame = 1
    case unknownType = 2
    case unsupportedVersion = 3
    case malformedPayload = 4
    case internalFailure = 5
    /// The request was well formed but the enclave refuses it (a fact it cannot check, a
    /// chain link that does not verify, a secret it does not hold).
    case refused = 6
}

/// Messages the **enclave sends to the host** (direction: enclave → host). Types 0x80–0xff.
/// No reply ever carries a secret.
public enum EnclaveReply: Sendable, Equatable {
    case hello(EnclaveStatus)
    case evidence(EnclaveEvidence)
    /// 65 bytes `r ‖ s ‖ v`, low s.
    case challengeSignature([UInt8])
    /// The enclave's verified chain after ``HostRequest/linkHeaders(_:)``, and the generations it holds.
    case linked(EnclaveChainStatus)
    /// A system transaction payload the enclave built (``SystemPayload/encoded``), for the host to sign and send.
    case systemPayload([UInt8])
    /// The generation the enclave installed.
    case installed(generation: UInt32)
    /// Section 5.1's statement: the epoch key's X25519 public key and the enclave's signature.
    case txKeyStatement(publicKey: [UInt8], signature: [UInt8])
    /// Within an execution: the enclave needs this node of the parent's encrypted trie.
    case needTrieNode(Hash32)
    /// The executed block's section (RLP), with this enclave's statement.
    case section([UInt8])
    /// A view call's `encryptedResult` (section 5.4).
    case viewResult([UInt8])
    /// The request was refused; after a frame error the enclave closes the connection.
    case error(code: EnclaveErrorCode, message: String)

    public var type: UInt8 {
        switch self {
        case .hello: 0x81
        case .evidence: 0x82
        case .challengeSignature: 0x83
        case .linked: 0x84
        case .systemPayload: 0x85
        case .installed: 0x86
        case .txKeyStatement: 0x87
        case .needTrieNode: 0x88
        case .section: 0x89
        case .viewResult: 0x8a
        case .error: 0xff
        }
    }

    public var payload: [UInt8] {
        var e = RLPEncoder()
        e.appendList { e in
            switch self {
            case .hello(let s):
                e.append(UInt64(s.protocolVersion)); e.append(s.nonce); e.appendBytes(Array(s.enclaveVersion.utf8))
                e.append(UInt64(s.simulated ? 1 : 0)); e.append(UInt64(s.debug ? 1 : 0)); e.appendBytes(s.mrEnclave.bytes)
                e.append(s.chainID); e.appendBytes(s.authority.bytes)
            case .evidence(let v):
                e.appendBytes(v.quote); e.appendBytes(v.signingKey); e.appendBytes(v.encryptionKey); e.appendBytes(v.mrEnclave.bytes)
            case .challengeSignature(let sig): e.appendBytes(sig)
            case .linked(let s):
                e.append(s.number); e.appendBytes(s.hash.bytes)
                e.appendList { e in for g in s.generations { e.append(UInt64(g)) } }
            case .systemPayload(let payload): e.appendBytes(payload)
            case .installed(let g): e.append(UInt64(g))
            case .txKeyStatement(let key, let sig): e.appendBytes(key); e.appendBytes(sig)
            case .needTrieNode(let hash): e.appendBytes(hash.bytes)
            case .section(let bytes): e.appendBytes(bytes)
            case .viewResult(let bytes): e.appendBytes(bytes)
            case .error(let code, let message): e.append(UInt64(code.rawValue)); e.appendBytes(Array(message.utf8))
            }
        }
        return e.bytes
    }

    /// Decodes a frame sent by an enclave.
    public init(frame: RawFrame) throws(FrameError) {
        self = try PayloadReader.decode(frame) { type, r throws -> EnclaveReply in
            func flag() throws -> Bool {
                let v = try r.readUInt64()
                guard v <= 1 else { throw FrameError.malformedPayload(type: type, reason: "flag \(v), expected 0 or 1") }
                return v == 1
            }
            switch type {
            case 0x81:
                let version = try r.readUInt64()
                let nonce = try r.readUInt64()
                let text = String(decoding: try r.readBytes(), as: UTF8.self)
                let simulated = try flag()
                let debug = try flag()
                let mr = try r.readFixed(Hash32.self)
                let chain = try r.readUInt64()
                let authority = try r.readFixed(Address.self)
                guard let v32 = UInt32(exactly: version) else { throw FrameError.malformedPayload(type: type, reason: "protocol version too large") }
                return .hello(EnclaveStatus(protocolVersion: v32, nonce: nonce, enclaveVersion: text, simulated: simulated, debug: debug,
                                            mrEnclave: mr, chainID: chain, authority: authority))
            case 0x82:
                let quote = Array(try r.readBytes())
                let signing = Array(try r.readBytes())
                let encryption = Array(try r.readBytes())
                guard signing.count == 33, encryption.count == 32 else {
                    throw FrameError.malformedPayload(type: type, reason: "keys of \(signing.count) and \(encryption.count) bytes, expected 33 and 32")
                }
                return .evidence(EnclaveEvidence(quote: quote, signingKey: signing, encryptionKey: encryption, mrEnclave: try r.readFixed(Hash32.self)))
            case 0x83:
                let sig = Array(try r.readBytes())
                guard sig.count == 65 else { throw FrameError.malformedPayload(type: type, reason: "signature of \(sig.count) bytes, expected 65") }
                return .challengeSignature(sig)
            case 0x84:
                let number = try r.readUInt64()
                let hash = try r.readFixed(Hash32.self)
                var list = try r.readList()
                var generations: [UInt32] = []
                while !list.isAtEnd { generations.append(try HostRequest.generation(try list.readUInt64(), type: type)) }
                return .linked(EnclaveChainStatus(number: number, hash: hash, generations: generations))
            case 0x85: return .systemPayload(Array(try r.readBytes()))
            case 0x86: return .installed(generation: try HostRequest.generation(try r.readUInt64(), type: type))
            case 0x87:
                let key = Array(try r.readBytes())
                let sig = Array(try r.readBytes())
                guard key.count == 32, sig.count == 65 else {
                    throw FrameError.malformedPayload(type: type, reason: "a statement is a 32-byte key and a 65-byte signature")
                }
                return .txKeyStatement(publicKey: key, signature: sig)
            case 0x88: return .needTrieNode(try r.readFixed(Hash32.self))
            case 0x89: return .section(Array(try r.readBytes()))
            case 0x8a: return .viewResult(Array(try r.readBytes()))
            case 0xff:
                let raw = try r.readUInt64()
                guard raw <= 255, let code = EnclaveErrorCode(rawValue: UInt8(raw)) else {
                    throw FrameError.malformedPayload(type: type, reason: "unknown error code \(raw)")
                }
                return .error(code: code, message: String(decoding: try r.readBytes(), as: UTF8.self))
            default: throw FrameError.unknownType(type)
            }
        }
    }
}

/// The digest an enclave signs for ``HostRequest/signChallenge(challenge:)``.
public enum EnclaveChallenge {
    public static func digest(chainID: UInt64, challenge: Hash32) -> Hash32 {
        Keccak256.hash(Array("cloister-enclave-challenge-v1".utf8) + ConfidentialBytes.be32(chainID) + challenge.bytes)
    }
}
