internal import Crypto

extension PrecompiledContract {
    /// 0x02 SHA-256 (Yellow Paper, appendix E): the 32-byte SHA-256 digest of the input.
    ///
    /// Never fails. Gas: 60 + 12 per 32-byte word of input (`G_sha256`, `G_sha256word`).
    /// The digest comes from swift-crypto (BoringSSL on Linux). Pure and thread-safe.
    public static let sha256 = PrecompiledContract(
        address: 0x02, name: "sha256",
        gasCost: { input, _ in linearCost(input, base: 60, perWord: 12) },
        execute: { input in Array(Crypto.SHA256.hash(data: input)) })
}
