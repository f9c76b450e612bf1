import Foundation
public import Primitives
import Keystore

/// The node's peer-to-peer identity: a secp256k1 key kept as 64 hex characters in
/// `DATADIR/nodekey` (go-ethereum's format), created with mode 0600 on first start.
///
/// Guarantees: an existing file is never overwritten; a file that does not hold a
/// valid key is refused with an error naming it (the node does not silently take a
/// new identity, which would drop it from every allowlist); the key bytes read are
/// zeroed after use.
public enum NodeKeyFile {
    /// The key in `path`, created there first when the file does not exist.
    public static func loadOrCreate(at path: String) throws(NodeError) -> Secp256k1.PrivateKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path) }
        let key = Secp256k1.PrivateKey()
        var text = Array(Hex.encode(key.rawRepresentation, prefix: false).utf8)
        defer { SecureMemory.zero(&text) }
        do { try KeyDirectory.writeExclusive(Data(text), to: path) } catch { throw NodeError("writing the node key \(path): \(error)") }
        return key
    }

    /// The key in `path` (64 hex characters, optional `0x`, surrounding whitespace ignored).
    public static func load(_ path: String) throws(NodeError) -> Secp256k1.PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw NodeError("cannot read the node key \(path)") }
        var bytes = Array(data)
        defer { SecureMemory.zero(&bytes) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count == 64 || (text.count == 66 && text.hasPrefix("0x")) else {
            throw NodeError("the node key \(path) must hold 64 hex characters (a secp256k1 key)")
        }
        do {
            var raw = try Hex.decode(text)
            defer { SecureMemory.zero(&raw) }
            return try Secp256k1.PrivateKey(rawRepresentation: raw)
        } catch {
            throw NodeError("the node key \(path) is not a valid secp256k1 key")
        }
    }
}
