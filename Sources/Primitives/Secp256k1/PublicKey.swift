internal import CSecp256k1

extension Secp256k1 {
    /// A point on secp256k1 that is a valid public key.
    ///
    /// Holds the library's parsed form, so using it again costs no parsing.
    /// Create one from a private key, by recovery, or from 33/64/65-byte encodings.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        let native: secp256k1_pubkey

        init(native: secp256k1_pubkey) { self.native = native }

        /// Parses a compressed (33 bytes, `02`/`03` prefix), uncompressed (65 bytes,
        /// `04` prefix) or bare `x ‖ y` (64 bytes, as Ethereum's node IDs write it) key.
        public init(rawRepresentation bytes: some Collection<UInt8>) throws(Secp256k1Error) {
            var input = Array(bytes)
            if input.count == 64 { input.insert(0x04, at: 0) }
            guard input.count == 33 || input.count == 65 else { throw .invalidPublicKey }
            var pk = secp256k1_pubkey()
            guard secp256k1_ec_pubkey_parse(Secp256k1.context.pointer, &pk, input, input.count) == 1 else {
                throw .invalidPublicKey
            }
            native = pk
        }

        /// The 65-byte uncompressed encoding, `04 ‖ x ‖ y`.
        public var uncompressed: [UInt8] { serialize(compressed: false) }

        /// The 64-byte `x ‖ y` form (the input of the address hash; devp2p node IDs).
        public var uncompressedXY: [UInt8] { Array(serialize(compressed: false).dropFirst()) }

        /// The 33-byte compressed encoding.
        public var compressed: [UInt8] { serialize(compressed: true) }

        /// The account address of this key.
        public var address: Address { Address(publicKey: self) }

        /// `self + tweak·G`, the public half of ``PrivateKey/adding(tweak:)``.
        public func adding(tweak: Hash32) throws(Secp256k1Error) -> PublicKey {
            var pk = native
            let ok = tweak.withBytePointer { t in
                secp256k1_ec_pubkey_tweak_add(Secp256k1.context.pointer, &pk, t)
            }
            guard ok == 1 else { throw .invalidTweak }
            return PublicKey(native: pk)
        }

        /// Calls `body` with the 64-byte `x ‖ y` form held on the stack (no allocation).
        func withUncompressedXY<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
            var pk = native
            return withUnsafeMutableBytes(of: &buffer) { raw in
                var length = 65
                _ = secp256k1_ec_pubkey_serialize(Secp256k1.context.pointer, raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                  &length, &pk, UInt32(SECP256K1_EC_UNCOMPRESSED))
                return body(UnsafeRawBufferPointer(rebasing: raw[1..<65]))
            }
        }

        private func serialize(compressed: Bool) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: compressed ? 33 : 65)
            var length = out.count
            var pk = native
            let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
            _ = secp256k1_ec_pubkey_serialize(Secp256k1.context.pointer, &out, &length, &pk, flags)
            return out
        }

        public static func == (a: PublicKey, b: PublicKey) -> Bool { a.uncompressed == b.uncompressed }
        public func hash(into hasher: inout Hasher) { hasher.combine(uncompressed) }
        public var description: String { Hex.encode(uncompressed) }
    }
}
