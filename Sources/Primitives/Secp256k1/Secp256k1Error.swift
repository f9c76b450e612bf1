/// Why a secp256k1 key, signature or operation was refused.
public enum Secp256k1Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// A private key that is not 32 bytes, or is zero, or is not below the group order.
    case invalidPrivateKey
    /// Bytes that are not a valid public key encoding or not a point on the curve.
    case invalidPublicKey
    /// `r` or `s` is zero or not below the group order.
    case signatureValueOutOfRange
    /// `s` is above n/2, which EIP-2 forbids for Homestead and later signatures.
    case highS
    /// The recovery id is not 0 or 1 (2 and 3 are never produced for Ethereum keys).
    case invalidRecoveryID(UInt8)
    /// A compact signature of the wrong length.
    case wrongSignatureLength(got: Int, expected: Int)
    /// The signature is well formed but no public key recovers from it.
    case recoveryFailed
    /// A tweak that is not below the group order, or one that makes the key zero / infinity.
    case invalidTweak
    /// The ECDH computation was rejected.
    case ecdhFailed

    public var description: String {
        switch self {
        case .invalidPrivateKey: "invalid private key"
        case .invalidPublicKey: "invalid public key"
        case .signatureValueOutOfRange: "invalid signature: r or s out of range"
        case .highS: "invalid signature: s above n/2 (EIP-2)"
        case .invalidRecoveryID(let v): "invalid signature recovery id \(v)"
        case .wrongSignatureLength(let g, let e): "signature has \(g) bytes, expected \(e)"
        case .recoveryFailed: "invalid signature: public key recovery failed"
        case .invalidTweak: "invalid key tweak"
        case .ecdhFailed: "ECDH failed"
        }
    }
}
