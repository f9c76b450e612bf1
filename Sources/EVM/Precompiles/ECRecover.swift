import Primitives

extension PrecompiledContract {
    /// 0x01 ECRECOVER (Yellow Paper, appendix E): the address that signed a hash.
    ///
    /// The input is read as if right-padded with zeros (or truncated) to 128 bytes:
    /// `hash ‖ v ‖ r ‖ s`, each a 32-byte big-endian word. `v` must be exactly 27 or 28
    /// as a 256-bit number and `r`, `s` must lie in [1, n − 1]; the EIP-2 low-`s` rule
    /// does not apply here. Any failed check or failed recovery gives an **empty output
    /// and success** — never nil — so the caller keeps the remaining gas, as the Yellow
    /// Paper specifies. On success the output is 32 bytes: 12 zero bytes, then the signer.
    ///
    /// Gas: 3,000 flat. Pure and thread-safe (libsecp256k1's shared context is read-only).
    public static let ecrecover = PrecompiledContract(
        address: 0x01, name: "ecrecover",
        gasCost: { _, _ in ECRecover.gas },
        execute: { ECRecover.run($0) })
}

/// The ECRECOVER rules, kept apart so the tests can reach the edge cases by name.
enum ECRecover {
    /// The flat price, Yellow Paper appendix E (`G_ecrec`).
    static let gas: UInt64 = 3_000
    /// The input the contract reads: hash, v, r, s.
    static let inputLength = 128

    static func run(_ input: [UInt8]) -> [UInt8] {
        var padded = [UInt8](repeating: 0, count: inputLength)
        let n = min(input.count, inputLength)
        if n > 0 { padded.replaceSubrange(0..<n, with: input[0..<n]) }

        // v: 31 zero bytes, then 27 or 28. Anything else is not a signature (empty output).
        guard padded[32..<63].allSatisfy({ $0 == 0 }), padded[63] == 27 || padded[63] == 28,
              let hash = Hash32(padded[0..<32]),
              let r = UInt256(bigEndianBytes: padded[64..<96]),
              let s = UInt256(bigEndianBytes: padded[96..<128])
        else { return [] }
        let signature = Secp256k1.RecoverableSignature(r: r, s: s, recoveryID: padded[63] - 27)
        // `recoverUnchecked` refuses r or s outside [1, n − 1] and points that do not
        // recover; both are "no signer" here, not an invalid call.
        guard let publicKey = try? Secp256k1.recoverUnchecked(hash: hash, signature: signature) else {
            return []
        }
        return [UInt8](repeating: 0, count: 12) + publicKey.address.bytes
    }
}
