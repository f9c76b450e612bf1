import Foundation
import Primitives
import TestSupport

/// The `rlpx_handshake` section of `devp2p/rlpx-vectors.json` (EIP-8 "Test Vectors"),
/// read in place through ``Vectors``.
struct RLPxVectors {
    static let path = "devp2p/rlpx-vectors.json"

    let staticKeyA: Secp256k1.PrivateKey
    let staticKeyB: Secp256k1.PrivateKey
    let ephemeralKeyA: Secp256k1.PrivateKey
    let ephemeralKeyB: Secp256k1.PrivateKey
    let nonceA: [UInt8]
    let nonceB: [UInt8]
    /// auth1…auth3 / ack1…ack3 by name.
    let messages: [String: Message]
    let aesSecret: [UInt8]
    let macSecret: [UInt8]
    let ingressMACFoo: [UInt8]
    let expectedPair: (auth: String, ack: String)

    struct Message {
        let name: String
        let kind: String
        let bytes: [UInt8]
        let isEIP8: Bool
        let version: UInt64
        let additionalElements: Int
    }

    static func load() throws -> RLPxVectors {
        guard let root = try Vectors.json(path) as? [String: Any],
              let section = root["rlpx_handshake"] as? [String: Any],
              let keys = section["keys"] as? [String: Any],
              let messages = section["messages"] as? [String: Any],
              let expected = section["expected"] as? [String: Any] else {
            throw VectorError.malformed("rlpx_handshake section")
        }
        func hex(_ object: Any?) throws -> [UInt8] {
            guard let dict = object as? [String: Any], let text = dict["hex"] as? String else {
                throw VectorError.malformed("hex value")
            }
            return try Hex.decode(text)
        }
        func key(_ name: String) throws -> Secp256k1.PrivateKey {
            try Secp256k1.PrivateKey(rawRepresentation: hex(keys[name]))
        }
        var parsed: [String: Message] = [:]
        for (name, value) in messages {
            guard let dict = value as? [String: Any], let kind = dict["kind"] as? String,
                  let format = dict["format"] as? String, let version = dict["version_in_body"] as? Int,
                  let extra = dict["additional_list_elements"] as? Int else {
                throw VectorError.malformed("message \(name)")
            }
            parsed[name] = Message(name: name, kind: kind, bytes: try hex(dict), isEIP8: format == "EIP-8",
                                   version: UInt64(version), additionalElements: extra)
        }
        guard let pair = expected["for_pair"] as? [String] , pair.count == 2 else {
            throw VectorError.malformed("expected.for_pair")
        }
        return RLPxVectors(
            staticKeyA: try key("static_key_a"), staticKeyB: try key("static_key_b"),
            ephemeralKeyA: try key("ephemeral_key_a"), ephemeralKeyB: try key("ephemeral_key_b"),
            nonceA: try hex(keys["nonce_a"]), nonceB: try hex(keys["nonce_b"]),
            messages: parsed, aesSecret: try hex(expected["aes_secret"]), macSecret: try hex(expected["mac_secret"]),
            ingressMACFoo: try hex(expected["ingress_mac_foo"]), expectedPair: (pair[0], pair[1]))
    }

    func messages(kind: String) -> [Message] {
        messages.values.filter { $0.kind == kind }.sorted { $0.name < $1.name }
    }
}
