public import Primitives

/// Why a node record (EIP-778) or an enode URL was refused.
///
/// Thrown by ``ENR`` and ``EnodeURL`` only; `Sendable` and `Equatable`.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: ENR

    /// The record is larger than EIP-778's 300 bytes (or its text form cannot hold ≤ 300).
    case recordTooLarge(size: Int, limit: Int)
    /// The text form does not start with `enr:`.
    case missingENRPrefix
    /// The text form is not URL-safe base64 without padding (bad character, impossible
    /// length, or non-zero trailing bits).
    case invalidBase64
    /// The record is not canonical RLP, or not `[signature, seq, k, v, …]`.
    case rlp(RLPError)
    /// A key without a value.
    case missingValue(key: String)
    /// Keys not in strictly increasing byte order (unsorted or repeated).
    case keysNotSorted(key: String)
    /// The record names an identity scheme other than `v4`, or none.
    case unsupportedIdentityScheme(String?)
    /// The `secp256k1` entry is missing, not 33 bytes, or not a curve point.
    case invalidPublicKey
    /// The signature is not 64 bytes, has `s > n/2`, or does not verify under the record's key.
    case invalidSignature
    /// A signing key that could not sign (never for a valid ``Secp256k1/PrivateKey``).
    case signingFailed

    // MARK: enode URL

    /// The URL does not have the form `enode://<128 hex>@<host>:<port>[?discport=<port>]`;
    /// the reason says which part is wrong.
    case invalidEnodeURL(String)

    public var description: String {
        switch self {
        case .recordTooLarge(let s, let l): "enr: \(s) bytes exceeds \(l)"
        case .missingENRPrefix: "enr: text form must start with \"enr:\""
        case .invalidBase64: "enr: invalid URL-safe base64"
        case .rlp(let e): "enr: \(e)"
        case .missingValue(let k): "enr: key \"\(k)\" has no value"
        case .keysNotSorted(let k): "enr: key \"\(k)\" is out of order or repeated"
        case .unsupportedIdentityScheme(let s): "enr: unsupported identity scheme \(s.map { "\"\($0)\"" } ?? "(none)")"
        case .invalidPublicKey: "enr: missing or invalid secp256k1 key"
        case .invalidSignature: "enr: invalid signature"
        case .signingFailed: "enr: signing failed"
        case .invalidEnodeURL(let why): "enode: \(why)"
        }
    }
}
