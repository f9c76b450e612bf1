public import Primitives

/// An Ethereum Node Record (EIP-778) under the `v4` identity scheme, verified.
///
/// Guarantees, for every value (decoded or built): the RLP is canonical
/// `[signature, seq, k, v, …]` of at most 300 bytes; keys are unique and sorted bytewise;
/// `id` is `"v4"`; `secp256k1` is a 33-byte compressed point; and ``signature`` is a
/// 64-byte `r ‖ s` (low `s`) ECDSA signature by that key over `keccak256(rlp([seq, k, v, …]))`.
/// Values are kept as their raw RLP items, so a record re-encodes to exactly its input.
/// An immutable `Sendable` value; decoding never traps.
public struct ENR: Sendable, Hashable, CustomStringConvertible {
    /// One key/value pair; the value is the raw RLP item (a string or a list).
    public struct Entry: Sendable, Hashable {
        public let key: [UInt8]
        public let value: [UInt8]
    }

    /// EIP-778: "The maximum encoded size of a node record is 300 bytes."
    public static let maximumSize = 300

    /// The record's sequence number; a newer record of the same node has a larger one.
    public let sequence: UInt64
    /// `r ‖ s`, 64 bytes.
    public let signature: [UInt8]
    /// The pairs in key order (including `id` and `secp256k1`).
    public let entries: [Entry]
    /// The node's key, from the `secp256k1` entry.
    public let publicKey: Secp256k1.PublicKey
    /// The record's RLP, exactly as decoded or built.
    public let rlpEncoded: [UInt8]

    /// Decodes the text form `enr:<URL-safe base64 of the RLP, no padding>`.
    public init(text: String) throws(IdentityError) {
        guard text.hasPrefix("enr:") else { throw .missingENRPrefix }
        let body = text.dropFirst(4)
        // 300 bytes take 400 base64 characters; refuse longer text before decoding it.
        let limit = (Self.maximumSize * 4 + 2) / 3
        guard body.utf8.count <= limit else { throw .recordTooLarge(size: body.utf8.count * 3 / 4, limit: Self.maximumSize) }
        guard let bytes = Base64URL.decode(body) else { throw .invalidBase64 }
        try self.init(rlp: bytes)
    }

    /// Decodes and verifies a record's RLP.
    public init(rlp bytes: [UInt8]) throws(IdentityError) {
        guard bytes.count <= Self.maximumSize else { throw .recordTooLarge(size: bytes.count, limit: Self.maximumSize) }
        var outer = RLPReader(bytes)
        var list = try Self.step { () throws(RLPError) in try outer.readList() }
        try Self.step { () throws(RLPError) in try outer.finish() }
        signature = Array(try Self.step { () throws(RLPError) in try list.readBytes() })
        let contentStart = list.position
        sequence = try Self.step { () throws(RLPError) in try list.readUInt64() }
        var entries: [Entry] = []
        while !list.isAtEnd {
            let key = Array(try Self.step { () throws(RLPError) in try list.readBytes() })
            let name = String(decoding: key, as: UTF8.self)
            guard !list.isAtEnd else { throw .missingValue(key: name) }
            if let previous = entries.last?.key, !previous.lexicographicallyPrecedes(key) { throw .keysNotSorted(key: name) }
            let value = Array(try Self.step { () throws(RLPError) in try list.readEncodedItem() })
            entries.append(Entry(key: key, value: value))
        }
        self.entries = entries
        rlpEncoded = bytes

        // Identity scheme "v4" (EIP-778): the only one defined.
        let scheme = Self.stringValue(entries, "id").map { String(decoding: $0, as: UTF8.self) }
        guard scheme == "v4" else { throw .unsupportedIdentityScheme(scheme) }
        guard let keyBytes = Self.stringValue(entries, "secp256k1"), keyBytes.count == 33,
              let key = try? Secp256k1.PublicKey(rawRepresentation: keyBytes) else { throw .invalidPublicKey }
        publicKey = key

        var content = RLPEncoder(capacity: bytes.count)
        content.appendList { e in e.appendEncoded(Array(bytes[contentStart..<list.end])) }
        guard Self.verify(signature: signature, hash: Keccak256.hash(content.bytes), key: key) else {
            throw .invalidSignature
        }
    }

    /// Builds and signs a `v4` record: `id` and `secp256k1` are set from the key; `entries`
    /// gives the other pairs (for example `"ip"`, `"udp"`, `"tcp"`), each value an RLP item.
    public init(sequence: UInt64, entries: [String: RLPItem], signingKey: Secp256k1.PrivateKey) throws(IdentityError) {
        var pairs = entries
        pairs["id"] = .bytes(Array("v4".utf8))
        pairs["secp256k1"] = .bytes(signingKey.publicKey.compressed)
        let sorted = pairs.map { (key: Array($0.key.utf8), value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var content = RLPEncoder()
        content.appendList { e in
            e.append(sequence)
            for pair in sorted {
                e.appendBytes(pair.key)
                e.append(pair.value)
            }
        }
        let signed = signingKey.sign(hash: Keccak256.hash(content.bytes))
        let signature = signed.r.bigEndianBytes + signed.s.bigEndianBytes
        var record = RLPEncoder()
        record.appendList { e in
            e.appendBytes(signature)
            e.append(sequence)
            for pair in sorted {
                e.appendBytes(pair.key)
                e.append(pair.value)
            }
        }
        try self.init(rlp: record.bytes)
    }

    /// The text form, `enr:` and the URL-safe base64 of the RLP without padding.
    public var text: String { "enr:" + Base64URL.encode(rlpEncoded) }

    public var description: String { text }

    /// The node address of the `v4` scheme: `keccak256(x ‖ y)` of the public key (EIP-778).
    public var nodeAddress: Hash32 { Keccak256.hash(publicKey.uncompressedXY) }

    /// The devp2p node id (the 64-byte public key), as Hello and enode URLs carry it.
    public var nodeID: NodeID { NodeID(publicKey: publicKey) }

    /// The raw RLP item stored under `key`.
    public func value(forKey key: String) -> [UInt8]? {
        let k = Array(key.utf8)
        return entries.first { $0.key == k }?.value
    }

    /// The `ip` entry: a 4-byte IPv4 address.
    public var ipv4: [UInt8]? { Self.stringValue(entries, "ip").flatMap { $0.count == 4 ? $0 : nil } }
    /// The `udp` entry: the discovery port.
    public var udpPort: UInt16? { port("udp") }
    /// The `tcp` entry: the RLPx port.
    public var tcpPort: UInt16? { port("tcp") }

    private func port(_ key: String) -> UInt16? {
        guard let raw = value(forKey: key) else { return nil }
        var r = RLPReader(raw)
        guard let value = try? r.readUInt64() else { return nil }
        return UInt16(exactly: value)
    }

    public static func == (a: ENR, b: ENR) -> Bool { a.rlpEncoded == b.rlpEncoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(rlpEncoded) }

    /// The string payload of `key`'s value (nil if absent or a list).
    private static func stringValue(_ entries: [Entry], _ key: String) -> [UInt8]? {
        let k = Array(key.utf8)
        guard let raw = entries.first(where: { $0.key == k })?.value else { return nil }
        var r = RLPReader(raw)
        return (try? r.readBytes()).map(Array.init)
    }

    /// Checks a 64-byte `r ‖ s` signature against `key`: the key must be one of the two
    /// recoverable from it (recovery applies the range checks and EIP-2's low `s`, as
    /// libsecp256k1's verification requires lower-S).
    private static func verify(signature: [UInt8], hash: Hash32, key: Secp256k1.PublicKey) -> Bool {
        guard signature.count == 64,
              let r = UInt256(bigEndianBytes: signature[0..<32]),
              let s = UInt256(bigEndianBytes: signature[32..<64]) else { return false }
        for recoveryID: UInt8 in [0, 1] {
            let candidate = Secp256k1.RecoverableSignature(r: r, s: s, recoveryID: recoveryID)
            if let recovered = try? Secp256k1.recover(hash: hash, signature: candidate), recovered == key { return true }
        }
        return false
    }

    @inline(__always)
    private static func step<T>(_ body: () throws(RLPError) -> T) throws(IdentityError) -> T {
        do { return try body() } catch { throw .rlp(error) }
    }
}
