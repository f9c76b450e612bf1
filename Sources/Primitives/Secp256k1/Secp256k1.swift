internal import CSecp256k1
#if canImport(Glibc)
internal import Glibc
#endif

/// secp256k1 through libsecp256k1 (Debian's `libsecp256k1-dev`): keys, recoverable
/// ECDSA (RFC 6979 nonces), public-key recovery, ECDH and key tweaking.
///
/// All calls share one context, randomized once at first use against side
/// channels. Sizes and ranges are checked in Swift before every C call and every C
/// return code is checked, so malformed keys and signatures give a
/// ``Secp256k1Error``, never a trap. Everything here is safe to call from any thread.
public enum Secp256k1 {
    /// The group order n.
    public static let order = UInt256(w0: 0xBFD25E8CD0364141, w1: 0xBAAEDCE6AF48A03B,
                                      w2: 0xFFFFFFFFFFFFFFFE, w3: 0xFFFFFFFFFFFFFFFF)
    /// n / 2: the largest `s` a signature may carry after Homestead (EIP-2).
    public static let halfOrder = order >> 1

    /// The shared context: `secp256k1_context_create(SECP256K1_CONTEXT_NONE)` then
    /// `secp256k1_context_randomize` with 32 bytes from the system generator.
    static let context = Context()

    /// Owner of the library context.
    ///
    /// `@unchecked Sendable` because libsecp256k1 documents (secp256k1.h): "A
    /// constructed context can safely be used from multiple threads simultaneously,
    /// but API calls that take a non-const pointer to a context need exclusive access
    /// to it." The only such calls (create, randomize) happen in `init`, before the
    /// context is shared; every later call takes it as `const`.
    final class Context: @unchecked Sendable {
        let pointer: OpaquePointer

        init() {
            guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
                preconditionFailure("secp256k1_context_create failed")
            }
            var seed = [UInt8](repeating: 0, count: 32)
            var rng = SystemRandomNumberGenerator()
            for i in seed.indices { seed[i] = rng.next() }
            let randomized = seed.withUnsafeBufferPointer { secp256k1_context_randomize(ctx, $0.baseAddress) }
            precondition(randomized == 1, "secp256k1_context_randomize failed")
            secureZero(&seed)
            pointer = ctx
        }

        deinit { secp256k1_context_destroy(pointer) }
    }

    /// Overwrites `bytes` with zeros in a way the optimiser may not remove.
    static func secureZero(_ bytes: inout [UInt8]) { SecureMemory.zero(&bytes) }
}

extension FixedBytes {
    /// Calls `body` with a pointer to the value's bytes (never empty, so never nil).
    func withBytePointer<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        withUnsafeBytes { raw in body(raw.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}
