import Foundation
import Crypto
import Primitives
import ChainTypes
import Attestation
import EnclaveProtocol
import Enclave

/// The attested boundary's decoders: host↔enclave frames (as the enclave reads them from
/// a host, and as the host reads replies) and SGX quotes (as every node reads them from
/// chain data and peers).
///
/// Promises checked: every input is decoded or refused with a typed error, never a trap;
/// the enclave's service answers every frame (an error reply for a bad one); a decoded
/// message re-encodes to a payload that decodes to the same message; a parsed quote
/// serialises to exactly its input, and the verifier returns a verdict for any bytes.
enum EnclaveFuzz {
    /// A fixed simulated platform and enclave, so every run of an input does the same work.
    struct Fixture: @unchecked Sendable {
        let service: EnclaveService
        let seedQuote: Quote
        let claimed: ClaimedEnclave
        let context: VerificationContext

        init() {
            func p256(_ byte: UInt8) -> P256.Signing.PrivateKey {
                guard let key = try? P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32)) else {
                    preconditionFailure("fixed fuzz P-256 key \(byte) is invalid")
                }
                return key
            }
            let start = Date(timeIntervalSince1970: 1_700_000_000), end = Date(timeIntervalSince1970: 1_900_000_000)
            guard let root = try? SimulatedRoot.create(notBefore: start, notAfter: end, key: p256(0x21)),
                  let platform = try? root.issuePlatform(notBefore: start, notAfter: end, key: p256(0x22)) else {
                preconditionFailure("fixed fuzz platform cannot be built")
            }
            let mr = Keccak256.hash([0x4D])
            let rules = ConfidentialConfig.simulated(trustAnchor: root.trustAnchor, measurements: [mr])
            // A one-signer Clique genesis, so key and light-client requests reach the custody's checks.
            let genesis = Header(number: 0, gasLimit: 30_000_000, timestamp: 1_800_000_000,
                                 extraData: [UInt8](repeating: 0, count: 32) + FuzzKeys.sealing.address.bytes + [UInt8](repeating: 0, count: 65))
            let chainRules = EnclaveChainRules(genesis: genesis, cliqueEpoch: 30_000, policy: rules)
            let configuration = EnclaveConfiguration(chainID: 4242, genesisHash: genesis.hash, policyHash: rules.policyHash,
                                                     authority: FuzzKeys.sealing.address, mrEnclave: mr, debug: false, platform: platform,
                                                     chain: chainRules)
            guard let made = try? EnclaveService(configuration: configuration, keys: IdentityKeys()) else {
                preconditionFailure("the fixed enclave service cannot be built")
            }
            service = made
            let recent = Keccak256.hash([0x52])
            let evidence = service.evidence(freshness: recent)
            guard let quote = try? Quote(parsing: evidence.quote) else { preconditionFailure("the fixed enclave's quote does not parse") }
            seedQuote = quote
            claimed = ClaimedEnclave(authority: configuration.authority, signingKey: evidence.signingKey, encryptionKey: evidence.encryptionKey)
            context = VerificationContext(chainID: 4242, genesisHash: configuration.genesisHash, policy: AttestationPolicy(genesis: rules),
                                          genesisPolicyHash: rules.policyHash, blockTime: 1_800_000_000, ancestorHashes: [recent])
            precondition((try? QuoteVerifier.verify(quote: evidence.quote, claimed: claimed, context: context)) != nil,
                         "the fixed enclave's quote fails the verifier")
        }
    }

    nonisolated(unsafe) static let fixture = Fixture()

    /// `mode ‖ bytes`: the bytes are a stream fed to a frame decoder in pieces of
    /// `mode % 64 + 1` bytes; every frame goes to the enclave's service and to both message
    /// decoders.
    static func frame(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        let piece = Int(parsed.mode % 64) + 1
        var decoder = FrameDecoder()
        var offset = 0
        while offset < parsed.body.count {
            let end = min(offset + piece, parsed.body.count)
            decoder.append(parsed.body[offset..<end])
            offset = end
            while true {
                let frame: RawFrame?
                do { frame = try decoder.next() } catch {
                    _ = EnclaveService.reply(to: error)
                    return
                }
                guard let frame else { break }
                let (reply, _) = fixture.service.handle(frame: frame)
                precondition((try? EnclaveReply(frame: RawFrame(type: reply.type, requestID: 0, payload: reply.payload))) == reply,
                             "frame: the service's reply does not decode back")
                if let request = try? HostRequest(frame: frame) {
                    precondition((try? HostRequest(frame: RawFrame(type: request.type, requestID: 0, payload: request.payload))) == request,
                                 "frame: request round trip")
                }
                if let r = try? EnclaveReply(frame: frame) {
                    precondition((try? EnclaveReply(frame: RawFrame(type: r.type, requestID: 0, payload: r.payload))) == r,
                                 "frame: reply round trip")
                }
            }
        }
    }

    /// The whole input as a quote: parsed, re-serialised, and verified for the fixed enclave.
    static func quote(_ input: [UInt8]) {
        if let quote = try? Quote(parsing: input) {
            precondition(quote.bytes == input, "quote: a parsed quote does not serialise to its input")
        }
        do {
            _ = try QuoteVerifier.verify(quote: input, claimed: fixture.claimed, context: fixture.context)
        } catch {
            precondition(!error.reason.isEmpty, "quote: a refusal without a reason")
        }
    }

    static var frameSeeds: [[UInt8]] {
        let facts = RegistryProof(block: 0, accountProof: [[0xc0]], slots: [RegistryProof.SlotProof(slot: UInt256(3), proof: [[0x80]])])
        let header = Header(parentHash: Keccak256.hash([0x47]), number: 1, gasLimit: 30_000_000, timestamp: 1_800_000_001,
                            extraData: [UInt8](repeating: 0, count: 97))
        let requests: [HostRequest] = [.hello(protocolVersion: 1, nonce: 7), .getEvidence(freshness: Keccak256.hash([1])),
                                       .signChallenge(challenge: Keccak256.hash([2])), .linkHeaders([header]),
                                       .generateKey(generation: 1, facts: facts), .grantKey(target: Keccak256.hash([3]), generation: 1, facts: facts),
                                       .installKey(payload: SystemPayload.vote(.set(.minIsvSvn, to: 2)).encoded, facts: facts),
                                       .txKey(epoch: 1, generation: 1)]
        var seeds = requests.map { [UInt8(7)] + EnclaveFrame.encode(type: $0.type, requestID: 1, payload: $0.payload) }
        let replies: [EnclaveReply] = [.challengeSignature([UInt8](repeating: 1, count: 65)),
                                       .linked(EnclaveChainStatus(number: 3, hash: Keccak256.hash([4]), generations: [1, 2])),
                                       .systemPayload([0x44, 0xc3, 0x02, 0x02, 0x01]), .installed(generation: 2),
                                       .txKeyStatement(publicKey: [UInt8](repeating: 5, count: 32), signature: [UInt8](repeating: 1, count: 65))]
        for reply in replies { seeds.append([0] + EnclaveFrame.encode(type: reply.type, requestID: 2, payload: reply.payload)) }
        return seeds
    }

    static var quoteSeeds: [[UInt8]] { [fixture.seedQuote.bytes] }
}
