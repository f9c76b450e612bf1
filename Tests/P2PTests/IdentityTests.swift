import Testing
import Primitives
import TestSupport
@testable import P2P

private let enrVectorFile = "devp2p/enr-vectors.json"

/// EIP-778 node records (with the spec's vector) and enode URLs.
@Suite struct IdentityTests {
    @Test(.enabled(if: Vectors.has(enrVectorFile), Comment(rawValue: Vectors.skipReason(enrVectorFile))))
    func eip778Vector() throws {
        let file = try #require(try Vectors.json(enrVectorFile) as? [String: Any])
        let record = try #require(file["record"] as? [String: Any])
        let text = try #require(record["text"] as? String)
        let enr = try ENR(text: text)

        #expect(enr.nodeAddress == (try Hash32(hex: try #require(record["node_id"] as? String))))
        #expect(Hex.encode(enr.signature, prefix: false) == record["signature"] as? String)
        #expect(enr.sequence == 1)
        #expect(enr.entries.map { String(decoding: $0.key, as: UTF8.self) } == ["id", "ip", "secp256k1", "udp"])
        let pairs = try #require(record["pairs"] as? [String: String])
        #expect(enr.ipv4 == (try Hex.decode(try #require(pairs["ip"]))))
        #expect(enr.ipv4 == [127, 0, 0, 1])
        #expect(enr.udpPort == 30303)
        #expect(enr.tcpPort == nil)
        #expect(Hex.encode(enr.publicKey.compressed, prefix: false) == pairs["secp256k1"])
        // The signing key of the vector gives the record's key.
        let key = try Secp256k1.PrivateKey(rawRepresentation: Hex.decode(try #require(record["signing_private_key"] as? String)))
        #expect(key.publicKey == enr.publicKey)
        // The text form round-trips exactly.
        #expect(enr.text == text)
        #expect(try ENR(rlp: enr.rlpEncoded) == enr)
    }

    @Test(.enabled(if: Vectors.has(enrVectorFile), Comment(rawValue: Vectors.skipReason(enrVectorFile))))
    func eip778VectorTamperingIsDetected() throws {
        let file = try #require(try Vectors.json(enrVectorFile) as? [String: Any])
        let text = try #require((file["record"] as? [String: Any])?["text"] as? String)
        let rlp = try ENR(text: text).rlpEncoded
        // Flip the last byte (the udp port): the signature no longer verifies.
        var tampered = rlp
        tampered[tampered.count - 1] ^= 0x01
        #expect(throws: IdentityError.invalidSignature) { try ENR(rlp: tampered) }
        // Flip a signature byte.
        var badSignature = rlp
        badSignature[10] ^= 0x01
        #expect(throws: IdentityError.self) { try ENR(rlp: badSignature) }
    }

    @Test func builtRecordsVerifyAndRoundTrip() throws {
        let key = TestKeys.key("A")
        let enr = try ENR(sequence: 7, entries: ["ip": .bytes([10, 0, 0, 1]), "tcp": .bytes([0x76, 0x5f]),
                                                 "udp": .bytes([0x76, 0x5f])], signingKey: key)
        #expect(enr.sequence == 7)
        #expect(enr.ipv4 == [10, 0, 0, 1])
        #expect(enr.tcpPort == 30303)
        #expect(enr.nodeID == NodeID(publicKey: key.publicKey))
        #expect(enr.nodeAddress == Keccak256.hash(key.publicKey.uncompressedXY))
        #expect(try ENR(text: enr.text) == enr)
        #expect(enr.text.hasPrefix("enr:"))
        #expect(!enr.text.contains("="))
    }

    @Test func recordsAreStrict() throws {
        let key = TestKeys.key("B")
        let content = try ENR(sequence: 1, entries: [:], signingKey: key)
        let record = try RLPItem(decoding: content.rlpEncoded)
        guard case .list(let items) = record else { Issue.record("not a list"); return }
        // Unsorted keys: swap "id" and "secp256k1".
        let swapped = RLPItem.list([items[0], items[1], items[4], items[5], items[2], items[3]]).rlpEncoded
        #expect(throws: IdentityError.keysNotSorted(key: "id")) { try ENR(rlp: swapped) }
        // A repeated key.
        let repeated = RLPItem.list(items + [items[4], items[5]]).rlpEncoded
        #expect(throws: IdentityError.keysNotSorted(key: "secp256k1")) { try ENR(rlp: repeated) }
        // A key without a value.
        let dangling = RLPItem.list(items + [.bytes(Array("zz".utf8))]).rlpEncoded
        #expect(throws: IdentityError.missingValue(key: "zz")) { try ENR(rlp: dangling) }
        // Another identity scheme.
        let v5 = RLPItem.list([items[0], items[1], items[2], .bytes(Array("v5".utf8)), items[4], items[5]]).rlpEncoded
        #expect(throws: IdentityError.unsupportedIdentityScheme("v5")) { try ENR(rlp: v5) }
        // Over 300 bytes.
        let big = try? ENR(sequence: 1, entries: ["x": .bytes(Array(repeating: 1, count: 300))], signingKey: key)
        #expect(big == nil)
        #expect(throws: IdentityError.recordTooLarge(size: 301, limit: 300)) { try ENR(rlp: Array(repeating: 0xc0, count: 301)) }
        // Bad text forms.
        #expect(throws: IdentityError.missingENRPrefix) { try ENR(text: "enode://x") }
        #expect(throws: IdentityError.invalidBase64) { try ENR(text: "enr:abc=") }
        #expect(throws: IdentityError.invalidBase64) { try ENR(text: "enr:a") }
        #expect(throws: IdentityError.invalidBase64) { try ENR(text: "enr:-IT+") }
        #expect(throws: IdentityError.self) { try ENR(text: "enr:") }
        #expect(throws: IdentityError.self) { try ENR(text: "enr:" + String(repeating: "A", count: 404)) }
    }

    @Test func base64URLIsCanonical() {
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(Base64URL.decode(Substring(text)) == bytes)
        }
        #expect(Base64URL.decode("_-8") == [0xff, 0xef])
        #expect(Base64URL.decode("_-9") == nil)  // non-zero trailing bits
    }

    @Test func randomRecordsNeverTrap() throws {
        var rng = SeededGenerator(seed: 9)
        let seed = try ENR(sequence: 3, entries: ["udp": .bytes([1, 2])], signingKey: TestKeys.key("C")).rlpEncoded
        for _ in 0..<2000 {
            var bytes = seed
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = try? ENR(rlp: bytes)
        }
    }

    // MARK: enode URLs

    static let id = NodeID(publicKey: TestKeys.key("A").publicKey).description

    @Test func enodeURLsParseAndPrint() throws {
        let url = try EnodeURL.parse("enode://\(Self.id)@127.0.0.1:30303")
        #expect(url.host == .ipv4([127, 0, 0, 1]))
        #expect(url.port == 30303)
        #expect(url.discoveryPort == nil)
        #expect(url.nodeID == NodeID(publicKey: TestKeys.key("A").publicKey))
        #expect(url.description == "enode://\(Self.id)@127.0.0.1:30303")

        let disc = try EnodeURL.parse("enode://\(Self.id.uppercased())@10.1.2.3:30303?discport=30301")
        #expect(disc.discoveryPort == 30301)
        #expect(disc.description == "enode://\(Self.id)@10.1.2.3:30303?discport=30301")

        let v6 = try EnodeURL.parse("enode://\(Self.id)@[2001:DB8:0:0::1]:4000")
        #expect(v6.description == "enode://\(Self.id)@[2001:db8::1]:4000")
        #expect(EnodeURL(v6.description) == v6)

        let named = try EnodeURL.parse("enode://\(Self.id)@Node-1.Consortium.example:30303")
        #expect(named.host == .name("node-1.consortium.example"))
        #expect(EnodeURL(named.description) == named)
    }

    @Test(arguments: [
        "enode://\(id)@127.0.0.1",                   // no port
        "enode://\(id)@127.0.0.1:0",                 // port 0
        "enode://\(id)@127.0.0.1:65536",             // port too large
        "enode://\(id)@127.0.0.1:030303",            // leading zero
        "enode://\(id)@127.0.0.1:+3030",             // sign
        "enode://\(id)@127.0.0.01:30303",            // leading zero in IPv4
        "enode://\(id)@256.0.0.1:30303",             // octet too large
        "enode://\(id)@1.2.3:30303",                 // three octets, all-digit last label
        "enode://\(id)@[::1:30303",                  // unclosed bracket
        "enode://\(id)@[::g]:30303",                 // bad IPv6
        "enode://\(id)@[fe80::1%eth0]:30303",        // zone
        "enode://\(id)@::1:30303",                   // IPv6 without brackets
        "enode://\(id)@-bad.example:30303",          // label starts with hyphen
        "enode://\(id)@bad_name:30303",              // underscore
        "enode://\(id)@:30303",                      // empty host
        "enode://\(id)@127.0.0.1:30303?discport=0",  // discport 0
        "enode://\(id)@127.0.0.1:30303?foo=1",       // other query
        "enode://\(id)@127.0.0.1:30303/path",        // path
        "enode://\(id)@127.0.0.1:30303#frag",        // fragment
        "enode://\(String(id.dropLast(2)))@127.0.0.1:30303",  // 126 hex digits
        "enode://\(String(id.dropLast(2)))zz@127.0.0.1:30303", // not hex
        "enode://\(String(repeating: "0", count: 128))@127.0.0.1:30303", // not a curve point
        "enr://\(id)@127.0.0.1:30303",               // scheme
        "enode:\(id)@127.0.0.1:30303",
        "",
    ])
    func malformedEnodeURLsAreRefused(_ text: String) {
        #expect(throws: IdentityError.self) { try EnodeURL.parse(text) }
        #expect(EnodeURL(text) == nil)
    }
}
