internal import CSecp256k1

extension Secp256k1 {
    /// A secp256k1 private key: 32 bytes, non-zero and below the group order.
    ///
    /// The bytes live in one heap buffer owned by this key's storage object and are
    /// overwritten with zeros when the last copy of the key is dropped. The key never
    /// prints its bytes (`description` shows only the address). Immutable and `Sendable`.
    public struct PrivateKey: Sendable, CustomStringConvertible {
        let storage: SecretStorage

        /// Validates and takes `bytes` (32 bytes, 0 < k < n).
        public init(rawRepresentation bytes: some Collection<UInt8>) throws(Secp256k1Error) {
            guard bytes.count == 32 else { throw .invalidPrivateKey }
            let storage = SecretStorage(Array(bytes))
            let ok = storage.withBytes { secp256k1_ec_seckey_verify(Secp256k1.context.pointer, $0) }
            guard ok == 1 else { throw .invalidPrivateKey }
            self.storage = storage
        }

        /// A fresh key from the system's cryptographic random generator.
        public init() {
            var rng = SystemRandomNumberGenerator()
            while true {
                var candidate = [UInt8](repeating: 0, count: 32)
                for i in candidate.indices { candidate[i] = rng.next() }
                defer { Secp256k1.secureZero(&candidate) }
                if let key = try? PrivateKey(rawRepresentation: candidate) { self = key; return }
            }
        }

        /// A copy of the 32 secret bytes. The caller owns the copy and its erasure.
        public var rawRepresentation: [UInt8] { storage.withBytes { Array(UnsafeBufferPointer(start: $0, count: 32)) } }

        /// The matching public key.
        public var publicKey: PublicKey {
            var pk = secp256k1_pubkey()
            let ok = storage.withBytes { secp256k1_ec_pubkey_create(Secp256k1.context.pointer, &pk, $0) }
            // A verified private key always has a public key.
            precondition(ok == 1, "secp256k1_ec_pubkey_create failed for a verified key")
            return PublicKey(native: pk)
        }

        /// The address of the matching public key.
        public var address: Address { publicKey.address }

        /// Signs a 32-byte message hash with an RFC 6979 deterministic nonce. The
        /// signature always has a low `s` (libsecp256k1 normalises it) and a recovery id of 0 or 1.
        public func sign(hash: Hash32) -> RecoverableSignature {
            var sig = secp256k1_ecdsa_recoverable_signature()
            let ok = hash.withBytePointer { h in
                storage.withBytes { k in
                    secp256k1_ecdsa_sign_recoverable(Secp256k1.context.pointer, &sig,
                                                     h, k, nil, nil)
                }
            }
            precondition(ok == 1, "secp256k1_ecdsa_sign_recoverable failed for a verified key")
            var compact = [UInt8](repeating: 0, count: 64)
            var recid: Int32 = 0
            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(Secp256k1.context.pointer, &compact, &recid, &sig)
            return RecoverableSignature(r: UInt256(bigEndianBytes: compact[0..<32])!,
                                        s: UInt256(bigEndianBytes: compact[32..<64])!,
                                        recoveryID: UInt8(recid))
        }

        /// `(self + tweak) mod n`, the BIP-32 child-key step. Throws when the tweak is
        /// not below n or the sum is zero.
        public func adding(tweak: Hash32) throws(Secp256k1Error) -> PrivateKey {
            var sum = rawRepresentation
            defer { Secp256k1.secureZero(&sum) }
            let ok = tweak.withBytePointer { t in
                secp256k1_ec_seckey_tweak_add(Secp256k1.context.pointer, &sum, t)
            }
            guard ok == 1 else { throw .invalidTweak }
            return try PrivateKey(rawRepresentation: sum)
        }

        /// The shared secret with `publicKey`: the x coordinate of `self · publicKey`,
        /// 32 bytes, as Ethereum's ECIES (devp2p RLPx) and the enclave envelopes use it.
        public func sharedSecret(with publicKey: PublicKey) throws(Secp256k1Error) -> [UInt8] {
            var pk = publicKey.native
            var out = [UInt8](repeating: 0, count: 32)
            let ok = storage.withBytes { k in
                secp256k1_ecdh(Secp256k1.context.pointer, &out, &pk, k, copyXCoordinate, nil)
            }
            guard ok == 1 else { throw .ecdhFailed }
            return out
        }

        public var description: String { "PrivateKey(address: \(address))" }
    }

    /// The heap buffer behind a ``PrivateKey``; zeroes its bytes on deinit.
    ///
    /// `@unchecked Sendable`: `bytes` is written only in `init` and in `deinit`,
    /// when no other reference exists; every other access reads.
    final class SecretStorage: @unchecked Sendable {
        private var bytes: [UInt8]

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func withBytes<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
            bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
        }

        deinit { Secp256k1.secureZero(&bytes) }
    }
}

/// The ECDH "hash" that returns the raw x coordinate (secp256k1_ecdh_hash_function).
private func copyXCoordinate(
    _ output: UnsafeMutablePointer<UInt8>?, _ x32: UnsafePointer<UInt8>?,
    _ y32: UnsafePointer<UInt8>?, _ data: UnsafeMutableRawPointer?
) -> Int32 {
    guard let output, let x32 else { return 0 }
    output.update(from: x32, count: 32)
    return 1
}
