import Primitives

/// A devp2p message inside one RLPx frame: `rlp(messageID) ‖ payload`, the payload
/// Snappy-compressed once both sides said Hello with protocol version 5 (rlpx.md).
///
/// Guarantees: the id is read strictly (canonical RLP of an integer of at most 8
/// bytes); a compressed payload's declared length is checked against `limit` before
/// anything is allocated. Pure functions. Public for the libFuzzer target that feeds it
/// peer bytes (`CloisterFuzz`, target `p2p-message`).
public enum PeerWire {
    /// One frame's contents: `rlp(id) ‖ payload`, the payload Snappy-compressed when `snappy`.
    public static func frame(id: UInt64, payload: [UInt8], snappy: Bool) -> [UInt8] {
        var e = RLPEncoder()
        e.append(id)
        return e.bytes + (snappy ? Snappy.compress(payload) : payload)
    }

    /// The message id and the (decompressed) payload of one frame.
    public static func parse(_ frame: [UInt8], snappy: Bool, limit: Int = Snappy.maximumUncompressedLength)
        throws(PeerError) -> (id: UInt64, payload: [UInt8]) {
        guard let first = frame.first else { throw .malformed("empty frame") }
        let id: UInt64
        let idLength: Int
        switch first {
        case 0x00..<0x80:
            id = UInt64(first); idLength = 1
        case 0x80:
            id = 0; idLength = 1
        case 0x81...0x88:
            let n = Int(first - 0x80)
            guard frame.count > n else { throw .malformed("truncated message id") }
            let bytes = frame[1...n]
            guard bytes.first != 0, n > 1 || (bytes.first ?? 0) >= 0x80 else { throw .malformed("non-canonical message id") }
            id = bytes.reduce(0) { $0 << 8 | UInt64($1) }
            idLength = 1 + n
        default:
            throw .malformed("message id is not an integer")
        }
        let body = Array(frame[idLength...])
        guard snappy else {
            guard body.count <= limit else { throw .malformed("message of \(body.count) bytes over the limit of \(limit)") }
            return (id, body)
        }
        do { return (id, try Snappy.decompress(body, limit: limit)) } catch { throw .malformed("\(error)") }
    }
}
