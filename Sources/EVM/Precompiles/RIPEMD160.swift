internal import COpenSSL

extension PrecompiledContract {
    /// 0x03 RIPEMD-160 (Yellow Paper, appendix E): the 20-byte RIPEMD-160 digest of the
    /// input, left-padded with 12 zero bytes to 32 bytes.
    ///
    /// Never fails on any input. Gas: 600 + 120 per 32-byte word (`G_ripemd160`,
    /// `G_ripemd160word`). The digest comes from OpenSSL 3's default provider (swift-crypto
    /// has no RIPEMD-160). Pure and thread-safe: each call uses its own digest context.
    public static let ripemd160 = PrecompiledContract(
        address: 0x03, name: "ripemd160",
        gasCost: { input, _ in linearCost(input, base: 600, perWord: 120) },
        execute: { input in [UInt8](repeating: 0, count: 12) + RIPEMD160Digest.shared.hash(input) })
}

/// OpenSSL's RIPEMD-160 implementation, fetched once from the default provider.
///
/// crypto(7): "If you perform the same operation many times then it is recommended to
/// use 'Explicit fetching' to prefetch an algorithm once initially, and then pass this
/// created object to any operations". The fetched `EVP_MD` is only ever read after
/// that; openssl-threads(7): "Objects are thread-safe as long as the API's being invoked
/// don't modify the object", and the one field `EVP_DigestInit_ex2` does update, the
/// reference count, is updated under OpenSSL's own lock ("One example of this is the
/// reference counting API's"). Every call makes its own `EVP_MD_CTX`, so sharing this
/// object between threads is safe; hence `@unchecked Sendable`. Lives for the process.
final class RIPEMD160Digest: @unchecked Sendable {
    /// The process-wide instance, fetched on first use.
    static let shared = RIPEMD160Digest()

    /// The digest size in bytes.
    static let outputLength = 20

    private let md: OpaquePointer

    private init() {
        // A start-up fact, not an input check: without RIPEMD-160 this node cannot
        // follow any chain that calls 0x03, so it must not run at all (DESIGN.md
        // records that Debian 12's OpenSSL 3.0 has it in the default provider).
        guard let md = EVP_MD_fetch(nil, "RIPEMD160", "provider=default") else {
            preconditionFailure("OpenSSL's default provider has no RIPEMD160 (EVP_MD_fetch failed)")
        }
        precondition(EVP_MD_get_size(md) == Int32(Self.outputLength), "RIPEMD160 digest is not 20 bytes")
        self.md = md
    }

    deinit { EVP_MD_free(md) }

    /// The 20-byte digest of `input`.
    ///
    /// OpenSSL can only fail here when it cannot allocate; that is not a property of the
    /// input and the call's result would otherwise be wrong, so it stops the process.
    func hash(_ input: [UInt8]) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        precondition(EVP_DigestInit_ex2(ctx, md, nil) == 1, "EVP_DigestInit_ex2(RIPEMD160) failed")
        let updated = input.withUnsafeBytes { EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        precondition(updated == 1, "EVP_DigestUpdate(RIPEMD160) failed")
        var out = [UInt8](repeating: 0, count: Self.outputLength)
        var written: UInt32 = 0
        let finished = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(ctx, $0.baseAddress, &written) }
        precondition(finished == 1 && written == UInt32(Self.outputLength), "EVP_DigestFinal_ex(RIPEMD160) failed")
        return out
    }
}
