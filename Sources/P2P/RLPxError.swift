/// Why an RLPx handshake or frame was refused.
///
/// Every case is a reason to close the connection: after any of them the
/// handshake or frame state that threw is unusable (its cipher and MAC streams
/// have advanced past the bad bytes). None of them is ever raised by a trap.
public enum RLPxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An auth or ack message declares (or has) more bytes than the handshake accepts;
    /// refused before anything is allocated for it.
    case handshakeMessageTooLarge(size: Int, limit: Int)
    /// An ECIES message shorter than its fixed overhead (65-byte point, IV, MAC).
    case eciesMessageTooShort(size: Int)
    /// The ECIES ephemeral point is not an uncompressed secp256k1 public key.
    case eciesInvalidPublicKey
    /// The ECIES HMAC does not match: the message was not encrypted to our key, or was altered.
    case eciesMACMismatch
    /// The decrypted auth or ack body is not the RLP (EIP-8) or fixed layout (pre-EIP-8) it must be.
    case malformedHandshakeMessage(String)
    /// The auth or ack carries a public key that is not on the curve.
    case invalidHandshakePublicKey
    /// The auth signature does not recover the initiator's ephemeral key.
    case invalidAuthSignature
    /// The pre-EIP-8 auth's keccak of the ephemeral key does not match the key the signature recovers.
    case ephemeralKeyHashMismatch
    /// A call that the handshake's state does not allow (for example, reading an ack as responder).
    case unexpectedHandshakeCall(String)
    /// A frame header whose MAC does not match: the stream was altered or is out of sync.
    case headerMACMismatch
    /// A frame body whose MAC does not match: the stream was altered or is out of sync.
    case frameMACMismatch
    /// A frame header declares a frame larger than the limit; refused before allocating.
    case frameTooLarge(size: Int, limit: Int)
    /// A message to send does not fit in one frame (24-bit size, or the writer's limit).
    case messageTooLarge(size: Int, limit: Int)
    /// The connection ended inside a frame or handshake message.
    case truncated(missing: Int)

    public var description: String {
        switch self {
        case .handshakeMessageTooLarge(let s, let l): "RLPx handshake message of \(s) bytes exceeds the limit of \(l)"
        case .eciesMessageTooShort(let s): "ECIES message of \(s) bytes is shorter than the ECIES overhead"
        case .eciesInvalidPublicKey: "ECIES ephemeral public key is invalid"
        case .eciesMACMismatch: "ECIES MAC mismatch"
        case .malformedHandshakeMessage(let why): "malformed RLPx handshake message: \(why)"
        case .invalidHandshakePublicKey: "RLPx handshake public key is invalid"
        case .invalidAuthSignature: "RLPx auth signature is invalid"
        case .ephemeralKeyHashMismatch: "RLPx auth ephemeral key hash mismatch"
        case .unexpectedHandshakeCall(let why): "RLPx handshake used out of order: \(why)"
        case .headerMACMismatch: "RLPx frame header MAC mismatch"
        case .frameMACMismatch: "RLPx frame MAC mismatch"
        case .frameTooLarge(let s, let l): "RLPx frame of \(s) bytes exceeds the limit of \(l)"
        case .messageTooLarge(let s, let l): "RLPx message of \(s) bytes exceeds the frame limit of \(l)"
        case .truncated(let m): "RLPx stream ended \(m) bytes short of a complete message"
        }
    }
}
