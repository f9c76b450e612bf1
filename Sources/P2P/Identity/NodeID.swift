public import Primitives

/// A devp2p node id: the node's secp256k1 public key as the 64 bytes `x ‖ y`, as Hello
/// messages and enode URLs carry it.
///
/// Not to be confused with the 32-byte *node address* `keccak256(x ‖ y)` of EIP-778
/// (``ENR/nodeAddress``). Guarantees exactly 64 bytes; it does **not** guarantee
/// a point on the curve (Hello decoding only checks the length): ask ``publicKey()``,
/// which ``EnodeURL`` parsing does. An immutable `Sendable` value.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    /// The 64 bytes `x ‖ y`.
    public let rawRepresentation: [UInt8]

    /// The number of bytes in a node id.
    public static let byteCount = 64

    /// A node id from exactly 64 bytes; nil for any other length.
    public init?(rawRepresentation bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        rawRepresentation = Array(bytes)
    }

    /// The node id of a public key.
    public init(publicKey: Secp256k1.PublicKey) {
        rawRepresentation = publicKey.uncompressedXY
    }

    /// The public key, if the 64 bytes are a point on secp256k1.
    public func publicKey() throws(Secp256k1Error) -> Secp256k1.PublicKey {
        try Secp256k1.PublicKey(rawRepresentation: rawRepresentation)
    }

    /// 128 lowercase hex digits, no `0x` (the enode URL form).
    public var description: String { Hex.encode(rawRepresentation, prefix: false) }
}
