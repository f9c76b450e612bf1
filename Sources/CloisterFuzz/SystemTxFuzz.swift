import Primitives
import ChainTypes

/// System transactions (`0x41`–`0x44`, CONFIDENTIAL.md section 7) as peers, the pool and
/// blocks carry them, and their payloads as an enclave hands them to its host.
///
/// Promises checked: any bytes decode or throw a typed error, never trap; what decodes as a
/// transaction re-encodes to exactly its input (one encoding per transaction, so one hash)
/// and carries a low-`s` signature; a decoded payload re-encodes to exactly its input.
enum SystemTxFuzz {
    /// `mode ‖ bytes`: even modes read the bytes as a network transaction, odd ones as a
    /// bare payload.
    static func run(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        if parsed.mode % 2 == 0 {
            guard let tx = try? SignedTransaction(networkEncoding: parsed.body) else { return }
            precondition(tx.networkEncoding == parsed.body, "system-tx: a decoded transaction re-encodes differently")
            if tx.type.isSystem {
                precondition((try? tx.signature.validate(homestead: true)) != nil, "system-tx: a high-s system transaction decoded")
                _ = try? tx.recoverSender()
            }
        } else {
            guard let payload = try? SystemPayload(encoded: parsed.body) else { return }
            precondition(payload.encoded == parsed.body, "system-tx: a decoded payload re-encodes differently")
        }
    }

    /// One transaction and one payload of each type.
    static var seeds: [[UInt8]] {
        let id = Keccak256.hash([0x1D])
        let payloads: [SystemPayload] = [
            .join(EnclaveJoin(quote: Array(repeating: 0x51, count: 40), signingKey: [0x02] + Array(repeating: 0x33, count: 32),
                              encryptionKey: Array(repeating: 0x44, count: 32))),
            .grant(KeyGrant(targetEnclaveID: id, generation: 2, wrapped: Array(repeating: 0x66, count: 80), keyCheck: Array(repeating: 0x77, count: 32),
                            grantorEnclaveID: id, grantorSignature: Array(repeating: 0x01, count: 65))),
            .generation(KeyGeneration(generation: 2, keyCheck: Array(repeating: 0x77, count: 32), chainedPrevious: Array(repeating: 0x12, count: 48),
                                      wraps: [EnclaveWrap(enclaveID: id, wrapped: Array(repeating: 0x66, count: 80))], enclaveID: id,
                                      enclaveSignature: Array(repeating: 0x01, count: 65))),
            .vote(.set(.minIsvSvn, to: 3)),
            .vote(PolicyVote(kind: .measurement, value: id.bytes, add: false)),
        ]
        return payloads.flatMap { payload in
            [[0] + SystemTransaction(chainID: 4242, nonce: 7, payload: payload).signed(with: FuzzKeys.sealing).encoded, [1] + payload.encoded]
        }
    }
}
