import Testing
import Primitives
import ChainTypes
import TestSupport

/// The `0x41`–`0x44` codecs (CONFIDENTIAL.md section 7): round trips, the signing hash, the
/// signer, and strict refusals.
@Suite struct SystemTransactionTests {
    static let key = TestKeys.key("A")

    static var samples: [SystemPayload] {
        [
            .join(EnclaveJoin(quote: Array(repeating: 3, count: 100), signingKey: [0x02] + Array(repeating: 1, count: 32),
                              encryptionKey: Array(repeating: 2, count: 32))),
            .grant(KeyGrant(targetEnclaveID: Keccak256.hash([1]), generation: 1, wrapped: Array(repeating: 4, count: 80),
                            keyCheck: Array(repeating: 5, count: 32), grantorEnclaveID: Keccak256.hash([2]),
                            grantorSignature: Array(repeating: 6, count: 65))),
            .generation(KeyGeneration(generation: 1, keyCheck: Array(repeating: 7, count: 32), chainedPrevious: [],
                                      wraps: [EnclaveWrap(enclaveID: Keccak256.hash([3]), wrapped: Array(repeating: 8, count: 80))],
                                      enclaveID: Keccak256.hash([3]), enclaveSignature: Array(repeating: 9, count: 65))),
            .generation(KeyGeneration(generation: 2, keyCheck: Array(repeating: 7, count: 32), chainedPrevious: Array(repeating: 1, count: 48),
                                      wraps: [], enclaveID: Keccak256.hash([3]), enclaveSignature: Array(repeating: 9, count: 65))),
            .vote(PolicyVote(kind: .measurement, value: Keccak256.hash([4]).bytes, add: false)),
            .vote(.set(.minIsvSvn, to: 3)),
            .vote(.set(.allowDebug, to: 0)),
            .vote(PolicyVote(kind: .minCpuSvn, value: Array(repeating: 2, count: 16), add: true)),
            .vote(PolicyVote(kind: .platformRevocation, value: Keccak256.hash([5]).bytes + [0x7f, 0x01], add: true)),
        ]
    }

    @Test func everyTypeRoundTripsAndRecoversItsSigner() throws {
        for payload in Self.samples {
            let tx = SystemTransaction(chainID: 4242, nonce: 7, payload: payload).signed(with: Self.key)
            let bytes = tx.encoded
            #expect(bytes[0] == payload.type.rawValue)
            let back = try SignedSystemTransaction(encoded: bytes)
            #expect(back == tx)
            #expect(back.encoded == bytes)
            #expect(try back.sender() == Self.key.address)
        }
    }

    @Test func theSigningHashIsTypeThenTheUnsignedList() throws {
        let tx = SystemTransaction(chainID: 4242, nonce: 1, payload: .vote(.set(.minQeSvn, to: 2)))
        var e = RLPEncoder()
        e.appendList { e in
            e.append(UInt64(4242)); e.append(UInt64(1)); e.append(UInt64(7)); e.appendBytes([2]); e.append(UInt64(1))
        }
        #expect(tx.signingHash == Keccak256.hash([0x44] + e.bytes))
    }

    @Test func malformedEncodingsAreRefused() throws {
        let good = SystemTransaction(chainID: 4242, nonce: 7, payload: Self.samples[0]).signed(with: Self.key).encoded
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: good + [0]) }
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: Array(good.dropLast())) }
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: [0x45] + good.dropFirst()) }
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: []) }
        // A join with a 32-byte signing key.
        let short = SystemTransaction(chainID: 1, nonce: 0, payload: .join(EnclaveJoin(quote: [1], signingKey: Array(repeating: 1, count: 32),
                                                                                          encryptionKey: Array(repeating: 2, count: 32))))
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: short.signed(with: Self.key).encoded) }
        // Generation 1 with a chained secret, and generation 2 without.
        for (g, chained) in [(UInt32(1), Array(repeating: UInt8(1), count: 48)), (UInt32(2), [UInt8]())] {
            let bad = SystemTransaction(chainID: 1, nonce: 0, payload: .generation(KeyGeneration(
                generation: g, keyCheck: Array(repeating: 7, count: 32), chainedPrevious: chained, wraps: [],
                enclaveID: Keccak256.hash([3]), enclaveSignature: Array(repeating: 9, count: 65))))
            #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: bad.signed(with: Self.key).encoded) }
        }
    }

    @Test func votesOfTheWrongShapeAreRefused() throws {
        let bad: [PolicyVote] = [
            PolicyVote(kind: .measurement, value: Array(repeating: 1, count: 31), add: true),
            PolicyVote(kind: .minIsvSvn, value: [0, 1], add: true),        // leading zero
            PolicyVote(kind: .minIsvSvn, value: [1, 0, 0], add: true),     // wider than 16 bits
            PolicyVote(kind: .minPceSvn, value: [1], add: false),          // a minimum is set, never removed
            PolicyVote(kind: .allowDebug, value: [2], add: true),
            PolicyVote(kind: .minCpuSvn, value: Array(repeating: 1, count: 15), add: true),
            PolicyVote(kind: .platformRevocation, value: Array(repeating: 1, count: 31), add: true),
            PolicyVote(kind: .platformRevocation, value: Array(repeating: 1, count: 32) + [0, 1], add: true),
        ]
        for vote in bad {
            let tx = SystemTransaction(chainID: 1, nonce: 0, payload: .vote(vote)).signed(with: Self.key)
            #expect(throws: SystemTransactionError.self, "\(vote)") { try SignedSystemTransaction(encoded: tx.encoded) }
        }
        // An unknown kind.
        var e = RLPEncoder()
        e.appendList { e in
            e.append(UInt64(1)); e.append(UInt64(0)); e.append(UInt64(9)); e.appendBytes([1]); e.append(UInt64(1))
            e.append(UInt64(0)); e.append(UInt256(1)); e.append(UInt256(1))
        }
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: [0x44] + e.bytes) }
    }

    @Test func aHighSTwinIsRefused() throws {
        let tx = SystemTransaction(chainID: 1, nonce: 0, payload: .vote(.set(.minIsvSvn, to: 2))).signed(with: Self.key)
        let highS = Secp256k1.order &- tx.signature.s
        let twin = SignedSystemTransaction(transaction: tx.transaction,
                                           signature: Secp256k1.RecoverableSignature(r: tx.signature.r, s: highS,
                                                                                     recoveryID: tx.signature.recoveryID ^ 1))
        #expect(throws: SystemTransactionError.self) { try SignedSystemTransaction(encoded: twin.encoded) }
    }
}
