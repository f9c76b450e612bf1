import Testing
import Foundation
import Crypto
import Primitives
import Attestation
import EnclaveProtocol
@testable import Enclave

/// The enclave side in process: sealing, and the service's replies.
@Suite struct SealingAndServiceTests {
    static let mr = Hash32(Array(repeating: 0x5E, count: 32))!

    @Test func theSameBinaryAndPlatformUnsealTheSameKeys() throws {
        let f = try EnclaveFixture(measurements: [Self.mr])
        defer { f.remove() }
        let keys = IdentityKeys()
        let blob = try KeySealing.seal(keys, for: f.configuration(mrEnclave: Self.mr))
        let back = try KeySealing.unseal(blob, for: f.configuration(mrEnclave: Self.mr))
        #expect(back.keys.signingKey == keys.signingKey && back.keys.encryptionKey == keys.encryptionKey)
        #expect(back.secrets.isEmpty)
        // Random nonce: sealing twice never gives the same bytes.
        #expect(try KeySealing.seal(keys, for: f.configuration(mrEnclave: Self.mr)) != blob)
    }

    @Test func anotherBinaryAPlatformOrAFlippedByteCannotUnseal() throws {
        let f = try EnclaveFixture(measurements: [Self.mr])
        defer { f.remove() }
        let blob = try KeySealing.seal(IdentityKeys(), for: f.configuration(mrEnclave: Self.mr))
        #expect(throws: SealingError.self) { try KeySealing.unseal(blob, for: f.configuration(mrEnclave: Hash32(Array(repeating: 1, count: 32))!)) }
        let otherPlatform = try f.root.issuePlatform(notBefore: Date(), notAfter: Date().addingTimeInterval(3600))
        #expect(throws: SealingError.self) { try KeySealing.unseal(blob, for: f.configuration(mrEnclave: Self.mr, platform: otherPlatform)) }
        var flipped = blob
        flipped[flipped.count - 20] ^= 1
        #expect(throws: SealingError.self) { try KeySealing.unseal(flipped, for: f.configuration(mrEnclave: Self.mr)) }
        #expect(throws: SealingError.self) { try KeySealing.unseal(Array(blob.prefix(20)), for: f.configuration(mrEnclave: Self.mr)) }
    }

    @Test func heldSecretsAreSealedWithTheKeys() throws {
        let f = try EnclaveFixture(measurements: [Self.mr])
        defer { f.remove() }
        let keys = IdentityKeys()
        let secrets = [ConsortiumSecret(generation: 1), ConsortiumSecret(generation: 2)]
        let blob = try KeySealing.seal(keys, secrets: secrets, for: f.configuration(mrEnclave: Self.mr))
        let back = try KeySealing.unseal(blob, for: f.configuration(mrEnclave: Self.mr))
        #expect(back.secrets.map(\.generation) == [1, 2])
        #expect(back.secrets.map(\.keyCheck) == secrets.map(\.keyCheck))
        // The secret bytes are nowhere in the sealed blob.
        for secret in secrets {
            let bytes = secret.withBytes { Array($0) }
            #expect(!blob.indices.dropLast(31).contains { Array(blob[$0..<($0 + 32)]) == bytes })
        }
    }

    @Test func secretsDoNotPrint() {
        let keys = IdentityKeys()
        #expect(!"\(keys)".contains(Hex.encode(keys.signingKey, prefix: false)))
        #expect("\(keys)".contains("enclaveId"))
    }

    @Test func evidenceFromTheServicePassesTheVerifierAndTheChallengeRecoversTheKey() throws {
        let f = try EnclaveFixture(measurements: [Self.mr])
        defer { f.remove() }
        let service = try EnclaveService(configuration: f.configuration(mrEnclave: Self.mr), keys: IdentityKeys())
        let recent = Keccak256.hash([7])
        guard case .evidence(let evidence) = service.handle(.getEvidence(freshness: recent)) else { Issue.record("no evidence"); return }
        let verified = try QuoteVerifier.verify(
            quote: evidence.quote,
            claimed: ClaimedEnclave(authority: f.authority, signingKey: evidence.signingKey, encryptionKey: evidence.encryptionKey),
            context: f.context(ancestors: [Keccak256.hash([8]), recent]))
        #expect(verified.mrEnclave == Self.mr)
        #expect(verified.enclaveID == service.keys.enclaveID)

        let challenge = Keccak256.hash([9])
        guard case .challengeSignature(let sig) = service.handle(.signChallenge(challenge: challenge)) else { Issue.record("no signature"); return }
        let recovered = try Secp256k1.recover(hash: EnclaveChallenge.digest(chainID: 4242, challenge: challenge),
                                              signature: Secp256k1.RecoverableSignature(compact: sig))
        #expect(recovered.compressed == evidence.signingKey)

        guard case .hello(let status) = service.handle(.hello(protocolVersion: 1, nonce: 77)) else { Issue.record("no hello"); return }
        #expect(status.nonce == 77 && status.simulated && status.mrEnclave == Self.mr)
        guard case .error(let code, _) = service.handle(.hello(protocolVersion: 2, nonce: 1)) else { Issue.record("version 2 accepted"); return }
        #expect(code == .unsupportedVersion)
    }
}

/// The frame decoder on its own.
@Suite struct FrameDecoderTests {
    @Test func framesSplitAnywhereComeBackWhole() throws {
        let a = EnclaveFrame.encode(type: 0x02, requestID: 5, payload: HostRequest.getEvidence(freshness: Keccak256.hash([1])).payload)
        let b = EnclaveFrame.encode(type: 0x01, requestID: 6, payload: HostRequest.hello(protocolVersion: 1, nonce: 9).payload)
        let stream = a + b
        for cut in 0...stream.count {
            var d = FrameDecoder()
            var frames: [RawFrame] = []
            d.append(stream[0..<cut])
            while let f = try d.next() { frames.append(f) }
            d.append(stream[cut...])
            while let f = try d.next() { frames.append(f) }
            #expect(frames.count == 2)
            #expect(try HostRequest(frame: frames[0]) == .getEvidence(freshness: Keccak256.hash([1])))
            #expect(frames[1].requestID == 6)
        }
    }

    @Test func badFramesAreRefused() throws {
        var d = FrameDecoder()
        d.append([0x7f, 0xff, 0xff, 0xff])
        #expect(throws: FrameError.oversized(0x7fff_ffff)) { try d.next() }
        var v = FrameDecoder()
        v.append([0, 0, 0, 6, 9, 1, 0, 0, 0, 1])
        #expect(throws: FrameError.unknownVersion(9)) { try v.next() }
        var s = FrameDecoder()
        s.append([0, 0, 0, 2, 1, 1])
        #expect(throws: FrameError.truncatedBody(2)) { try s.next() }
        let unknown = RawFrame(type: 0x55, requestID: 1, payload: [0xc0])
        #expect(throws: FrameError.unknownType(0x55)) { try HostRequest(frame: unknown) }
        let trailing = RawFrame(type: 0x01, requestID: 1, payload: HostRequest.hello(protocolVersion: 1, nonce: 1).payload + [0])
        #expect(throws: FrameError.self) { try HostRequest(frame: trailing) }
        let short = RawFrame(type: 0x02, requestID: 1, payload: [0xc2, 0x81, 0x01])
        #expect(throws: FrameError.self) { try HostRequest(frame: short) }
    }

    @Test func repliesRoundTrip() throws {
        let replies: [EnclaveReply] = [
            .hello(EnclaveStatus(protocolVersion: 1, nonce: 3, enclaveVersion: "v", simulated: true, debug: false,
                                 mrEnclave: Keccak256.hash([1]), chainID: 4242, authority: Address(Array(repeating: 1, count: 20))!)),
            .evidence(EnclaveEvidence(quote: [1, 2, 3], signingKey: Array(repeating: 2, count: 33), encryptionKey: Array(repeating: 3, count: 32),
                                      mrEnclave: Keccak256.hash([2]))),
            .challengeSignature(Array(repeating: 4, count: 65)),
            .error(code: .badFrame, message: "no"),
        ]
        for r in replies {
            #expect(try EnclaveReply(frame: RawFrame(type: r.type, requestID: 1, payload: r.payload)) == r)
        }
    }
}
