internal import CSecp256k1

extension Secp256k1 {
    /// An ECDSA signature with the recovery id that selects the signer's public key.
    ///
    /// A plain value; holding one says nothing about validity. Range checks happen
    /// in ``Secp256k1/recover(hash:signature:)`` (Homestead rules, EIP-2) and
    /// ``Secp256k1/recoverUnchecked(hash:signature:)`` (Frontier rules).
    public struct RecoverableSignature: Sendable, Hashable {
        public var r: UInt256
        public var s: UInt256
        /// 0 or 1 (the parity of R's y coordinate); Ethereum's `v` minus 27, or minus `2·chainId + 35`.
        public var recoveryID: UInt8

        public init(r: UInt256, s: UInt256, recoveryID: UInt8) {
            self.r = r; self.s = s; self.recoveryID = recoveryID
        }

        /// Reads the 65-byte `r ‖ s ‖ v` form (v = 0 or 1), as the Clique seal and `eth_sign` hold it.
        public init(compact bytes: some Collection<UInt8>) throws(Secp256k1Error) {
            let b = Array(bytes)
            guard b.count == 65 else { throw .wrongSignatureLength(got: b.count, expected: 65) }
            r = UInt256(bigEndianBytes: b[0..<32])!
            s = UInt256(bigEndianBytes: b[32..<64])!
            recoveryID = b[64]
        }

        /// The 65-byte `r ‖ s ‖ v` form with v = 0 or 1.
        public var compact: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [recoveryID] }

        /// Checks the value ranges: 0 < r, s < n, recovery id 0 or 1, and when
        /// `homestead` is true s ≤ n/2 (EIP-2).
        public func validate(homestead: Bool) throws(Secp256k1Error) {
            guard recoveryID <= 1 else { throw .invalidRecoveryID(recoveryID) }
            guard !r.isZero, !s.isZero, r < Secp256k1.order, s < Secp256k1.order else {
                throw .signatureValueOutOfRange
            }
            if homestead && s > Secp256k1.halfOrder { throw .highS }
        }
    }

    /// Recovers the signer of `hash` under Homestead rules: rejects `s > n/2` (EIP-2).
    public static func recover(hash: Hash32, signature: RecoverableSignature) throws(Secp256k1Error) -> PublicKey {
        try signature.validate(homestead: true)
        return try recoverValidated(hash: hash, signature: signature)
    }

    /// Recovers the signer without the EIP-2 low-`s` rule, for Frontier transactions
    /// and the ECRECOVER precompile. Still rejects out-of-range `r`, `s` and recovery ids.
    public static func recoverUnchecked(hash: Hash32, signature: RecoverableSignature) throws(Secp256k1Error) -> PublicKey {
        try signature.validate(homestead: false)
        return try recoverValidated(hash: hash, signature: signature)
    }

    /// The address that signed `hash` (Homestead rules).
    public static func recoverAddress(hash: Hash32, signature: RecoverableSignature) throws(Secp256k1Error) -> Address {
        Address(publicKey: try recover(hash: hash, signature: signature))
    }

    private static func recoverValidated(hash: Hash32, signature: RecoverableSignature) throws(Secp256k1Error) -> PublicKey {
        var compact = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var sig = secp256k1_ecdsa_recoverable_signature()
        let parsed = withUnsafeMutableBytes(of: &compact) { raw in
            signature.r.writeBigEndian(to: raw)
            signature.s.writeBigEndian(to: UnsafeMutableRawBufferPointer(rebasing: raw[32...]))
            return secp256k1_ecdsa_recoverable_signature_parse_compact(
                context.pointer, &sig, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(signature.recoveryID))
        }
        guard parsed == 1 else { throw .signatureValueOutOfRange }
        var pk = secp256k1_pubkey()
        let ok = hash.withBytePointer { h in
            secp256k1_ecdsa_recover(context.pointer, &pk, &sig, h)
        }
        guard ok == 1 else { throw .recoveryFailed }
        return PublicKey(native: pk)
    }
}
