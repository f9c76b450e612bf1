public import EnclaveProtocol
public import Attestation
public import Primitives
import ChainTypes
import Crypto

/// The enclave's answers to host requests: pure logic over its keys and configuration,
/// independent of the socket (``EnclaveServer`` carries frames to it).
///
/// The attestation key is made here, at start, and never leaves. Every reply is built from
/// public values; no request can make the enclave return or log a secret, or sign a digest
/// it did not build itself.
public final class EnclaveService: Sendable {
    public let configuration: EnclaveConfiguration
    public let keys: IdentityKeys
    let signer: SimulatedQuoteSigner
    /// The light client and the consortium secrets; nil when started without the chain's rules.
    public let custody: KeyCustody?

    /// `secrets` were unsealed at start; `persist` seals the held secrets whenever one is
    /// installed (the enclave's only write).
    public init(configuration: EnclaveConfiguration, keys: IdentityKeys, secrets: [ConsortiumSecret] = [],
                persist: @escaping @Sendable (IdentityKeys, [ConsortiumSecret]) -> Void = { _, _ in }) throws(LightClientError) {
        self.configuration = configuration
        self.keys = keys
        self.signer = SimulatedQuoteSigner(platform: configuration.platform, attestationKey: P256.Signing.PrivateKey())
        if let rules = configuration.chain {
            custody = try KeyCustody(configuration: configuration, rules: rules, keys: keys, secrets: secrets) { persist(keys, $0) }
        } else {
            custody = nil
        }
    }

    /// What the enclave binds into its quotes.
    public var binding: EnclaveBinding {
        EnclaveBinding(chainID: configuration.chainID, genesisHash: configuration.genesisHash, policyHash: configuration.policyHash,
                       authority: configuration.authority, signingKey: keys.signingKey, encryptionKey: keys.encryptionKey)
    }

    /// A fresh quote naming `freshness`, with the keys it binds.
    public func evidence(freshness: Hash32) -> EnclaveEvidence {
        let body = signer.report(mrEnclave: configuration.mrEnclave, isvSvn: configuration.isvSvn, debug: configuration.debug,
                                 reportData: binding.reportData(freshness: freshness))
        return EnclaveEvidence(quote: signer.quote(body: body).bytes, signingKey: keys.signingKey,
                               encryptionKey: keys.encryptionKey, mrEnclave: configuration.mrEnclave)
    }

    /// Asks the host, during one request, for a trie node by hash (nil: the host has none).
    public typealias NodeChannel = (Hash32) throws -> [UInt8]?

    /// The reply to one request. `nodes` reaches the host within this request (the server
    /// passes one for ``HostRequest/executeBlock(_:)``).
    public func handle(_ request: HostRequest, nodes: NodeChannel? = nil) -> EnclaveReply {
        switch request {
        case .hello(let version, let nonce):
            guard version == UInt32(EnclaveFrame.version) else {
                return .error(code: .unsupportedVersion, message: "protocol version \(version) is not supported (this enclave speaks \(EnclaveFrame.version))")
            }
            return .hello(EnclaveStatus(protocolVersion: UInt32(EnclaveFrame.version), nonce: nonce, enclaveVersion: EnclaveBuild.version,
                                        simulated: true, debug: configuration.debug, mrEnclave: configuration.mrEnclave,
                                        chainID: configuration.chainID, authority: configuration.authority))
        case .getEvidence(let freshness):
            return .evidence(evidence(freshness: freshness))
        case .signChallenge(let challenge):
            return .challengeSignature(keys.sign(EnclaveChallenge.digest(chainID: configuration.chainID, challenge: challenge)))
        case .linkHeaders, .generateKey, .grantKey, .installKey, .txKey:
            guard let custody else { return .error(code: .refused, message: "this enclave was started without the chain's rules") }
            return Self.handle(request, custody: custody)
        case .executeBlock(let execution):
            guard let custody else { return .error(code: .refused, message: "this enclave was started without the chain's rules") }
            guard let nodes else { return .error(code: .refused, message: "an execution needs a channel for trie nodes") }
            do { return .section(try custody.execute(execution, nodes: nodes).rlp) } catch {
                return .error(code: .refused, message: error.reason)
            }
        case .viewCall(let view):
            guard let custody else { return .error(code: .refused, message: "this enclave was started without the chain's rules") }
            guard let nodes else { return .error(code: .refused, message: "a view call needs a channel for trie nodes") }
            do { return .viewResult(try custody.view(view, nodes: nodes)) } catch {
                return .error(code: .refused, message: error.reason)
            }
        case .trieNode:
            return .error(code: .malformedPayload, message: "a trie node outside an execution")
        }
    }

    /// The key and light-client requests; every refusal names its reason.
    static func handle(_ request: HostRequest, custody: KeyCustody) -> EnclaveReply {
        do {
            switch request {
            case .linkHeaders(let headers):
                let tip = try custody.chain.link(headers)
                return .linked(EnclaveChainStatus(number: tip.number, hash: tip.hash, generations: custody.generations))
            case .generateKey(let generation, let facts):
                return .systemPayload(SystemPayload.generation(try custody.generate(generation: generation, facts: facts)).encoded)
            case .grantKey(let target, let generation, let facts):
                return .systemPayload(SystemPayload.grant(try custody.grant(to: target, generation: generation, facts: facts)).encoded)
            case .installKey(let bytes, let facts):
                let payload: SystemPayload
                do { payload = try SystemPayload(encoded: bytes) } catch {
                    return .error(code: .malformedPayload, message: "\(error)")
                }
                return .installed(generation: try custody.install(payload, facts: facts))
            case .txKey(let epoch, let generation):
                let statement = try custody.transactionKey(epoch: epoch, generation: generation)
                return .txKeyStatement(publicKey: statement.publicKey, signature: statement.signature)
            case .hello, .getEvidence, .signChallenge, .executeBlock, .trieNode, .viewCall:
                return .error(code: .internalFailure, message: "not a key request")
            }
        } catch let e as LightClientError {
            return .error(code: .refused, message: e.reason)
        } catch let e as KeyCustodyError {
            return .error(code: .refused, message: e.reason)
        } catch {
            return .error(code: .internalFailure, message: "\(error)")
        }
    }

    /// The reply to one frame, and whether the connection must close after it (bad frames).
    public func handle(frame: RawFrame, nodes: NodeChannel? = nil) -> (reply: EnclaveReply, close: Bool) {
        do {
            return (handle(try HostRequest(frame: frame), nodes: nodes), false)
        } catch {
            return (Self.reply(to: error), true)
        }
    }

    /// The error reply for a frame error.
    public static func reply(to error: FrameError) -> EnclaveReply {
        let code: EnclaveErrorCode
        switch error {
        case .unknownType: code = .unknownType
        case .unknownVersion: code = .unsupportedVersion
        case .malformedPayload: code = .malformedPayload
        case .oversized, .truncatedBody, .truncated: code = .badFrame
        }
        return .error(code: code, message: error.description)
    }
}
