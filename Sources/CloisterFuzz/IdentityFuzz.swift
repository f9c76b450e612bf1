import P2P
import Primitives

/// Node identities from outside: ENR records (EIP-778, from peers and configuration) and
/// enode URLs (static-nodes.json, `--peers`, `admin_addPeer`, the allowlist).
///
/// Promises checked: every input is decoded or refused with an ``IdentityError``, never
/// a trap; a decoded record re-encodes to exactly its input and its text form decodes
/// to the same record; a parsed enode URL prints as text that parses to the same URL.
enum IdentityFuzz {
    /// `mode ‖ bytes`: mode 0 reads the bytes as a record's RLP, otherwise as its text form.
    static func enr(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        let record: ENR
        if parsed.mode == 0 {
            guard let decoded = try? ENR(rlp: parsed.body) else { return }
            precondition(decoded.rlpEncoded == parsed.body, "enr: record does not re-encode to its input")
            record = decoded
        } else {
            guard let decoded = try? ENR(text: String(decoding: parsed.body, as: UTF8.self)) else { return }
            record = decoded
        }
        precondition((try? ENR(text: record.text)) == record, "enr: text round trip")
        precondition((try? ENR(rlp: record.rlpEncoded))?.publicKey == record.publicKey, "enr: key changed on re-decoding")
    }

    /// The whole input as an enode URL.
    static func enode(_ input: [UInt8]) {
        guard let url = try? EnodeURL.parse(String(decoding: input, as: UTF8.self)) else { return }
        precondition((try? EnodeURL.parse(url.description)) == url, "enode: \(url) does not parse back to itself")
    }

    static var enrSeeds: [[UInt8]] {
        let entries: [String: RLPItem] = ["ip": .bytes([127, 0, 0, 1]), "tcp": .bytes([0x76, 0x5f]), "udp": .bytes([0x76, 0x5f])]
        guard let record = try? ENR(sequence: 1, entries: entries, signingKey: FuzzKeys.staticA) else {
            preconditionFailure("fixed fuzz ENR cannot be built")
        }
        return [[0] + record.rlpEncoded, [1] + Array(record.text.utf8)]
    }

    static var enodeSeeds: [[UInt8]] {
        let id = NodeID(publicKey: FuzzKeys.staticB.publicKey).description
        return ["enode://\(id)@127.0.0.1:30303", "enode://\(id)@[::1]:30303?discport=30301",
                "enode://\(id)@10.0.0.7:1"].map { Array($0.utf8) }
    }
}
