public import Primitives

/// Labelled **test-only** secp256k1 keys: "A", "B", … (go-ethereum's `testerAccountPool`).
///
/// Each key is Keccak-256 of `"cloister-test-key:" + label`, so the same label
/// gives the same key in every run and every test. These keys are public by
/// construction: never fund or trust them outside tests.
public enum TestKeys {
    /// The private key for `label`.
    public static func key(_ label: String) -> Secp256k1.PrivateKey {
        let seed = Keccak256.hash(Array("cloister-test-key:\(label)".utf8))
        // Keccak output is a valid key except with probability ~2⁻¹²⁸.
        do { return try Secp256k1.PrivateKey(rawRepresentation: seed.bytes) } catch {
            preconditionFailure("test key \(label) is not a valid secp256k1 key")
        }
    }

    /// The address of the key for `label`.
    public static func address(_ label: String) -> Address { key(label).address }
}
