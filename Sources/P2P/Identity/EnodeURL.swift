#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A node's address as an enode URL: `enode://<node id>@<host>:<port>[?discport=<port>]`
/// (devp2p enode.md), the form static-node lists, `--peers` and `admin_addPeer` use.
///
/// Parsing is strict: exactly 128 hex digits that are a point on secp256k1, a host that is
/// a dotted-quad IPv4 address (no leading zeros), a bracketed IPv6 address or a DNS name
/// (labels of letters, digits and inner hyphens), a TCP port 1–65535, and no query other
/// than one `discport` (1–65535), no path, no fragment. ``description`` prints the
/// canonical form (lowercase id, compressed IPv6), which parses back to an equal value.
/// An immutable `Sendable` value; parsing never traps.
public struct EnodeURL: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// Where a node listens.
    public enum Host: Sendable, Hashable, CustomStringConvertible {
        /// Four bytes.
        case ipv4([UInt8])
        /// Sixteen bytes.
        case ipv6([UInt8])
        /// A DNS name, lowercased.
        case name(String)

        public var description: String {
            switch self {
            case .ipv4(let b): b.map(String.init).joined(separator: ".")
            case .ipv6(let b): "[\(EnodeURL.formatIPv6(b))]"
            case .name(let n): n
            }
        }
    }

    public let nodeID: NodeID
    public let host: Host
    /// The RLPx (TCP) port.
    public let port: UInt16
    /// The discovery (UDP) port, when it differs from ``port``.
    public let discoveryPort: UInt16?

    /// A URL from its parts. `nodeID` is not checked here; ``init(_:)`` checks it.
    public init(nodeID: NodeID, host: Host, port: UInt16, discoveryPort: UInt16? = nil) {
        self.nodeID = nodeID; self.host = host; self.port = port; self.discoveryPort = discoveryPort
    }

    /// Parses an enode URL; nil when it is not one (see ``parse(_:)`` for the reason).
    public init?(_ description: String) {
        guard let url = try? Self.parse(description) else { return nil }
        self = url
    }

    /// Parses an enode URL, saying what is wrong when it is not one.
    public static func parse(_ text: String) throws(IdentityError) -> EnodeURL {
        func fail(_ why: String) -> IdentityError { .invalidEnodeURL(why) }
        guard text.utf8.count <= 512 else { throw fail("longer than 512 bytes") }
        guard text.hasPrefix("enode://") else { throw fail("scheme must be enode://") }
        var rest = Substring(text.dropFirst("enode://".count))
        guard let at = rest.firstIndex(of: "@") else { throw fail("missing @ after the node id") }
        let idText = rest[..<at]
        rest = rest[rest.index(after: at)...]
        guard idText.utf8.count == 128, let idBytes = hexBytes(idText),
              let nodeID = NodeID(rawRepresentation: idBytes) else {
            throw fail("node id must be 128 hex digits")
        }
        guard (try? nodeID.publicKey()) != nil else { throw fail("node id is not a secp256k1 public key") }

        var query: Substring?
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let host: Host
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("unclosed [ in IPv6 host") }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard let bytes = parseIPv6(inner) else { throw fail("invalid IPv6 address") }
            host = .ipv6(bytes)
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw fail("missing :port") }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw fail("missing :port") }
            let hostText = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            if let v4 = parseIPv4(hostText) {
                host = .ipv4(v4)
            } else if let name = parseHostName(hostText) {
                host = .name(name)
            } else {
                throw fail("invalid host \"\(hostText)\"")
            }
        }
        guard let port = parsePort(portText) else { throw fail("port must be 1–65535") }
        var discoveryPort: UInt16?
        if let query {
            guard query.hasPrefix("discport="), let d = parsePort(query.dropFirst("discport=".count)) else {
                throw fail("the only query allowed is discport=<1–65535>")
            }
            discoveryPort = d
        }
        return EnodeURL(nodeID: nodeID, host: host, port: port, discoveryPort: discoveryPort)
    }

    public var description: String {
        var s = "enode://\(nodeID)@\(host):\(port)"
        if let discoveryPort { s += "?discport=\(discoveryPort)" }
        return s
    }

    // MARK: Parts

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return high == nil ? out : nil
    }

    /// Decimal digits only, no leading zero, 1–65535.
    private static func parsePort(_ text: Substring) -> UInt16? {
        guard (1...5).contains(text.utf8.count), text.utf8.first != UInt8(ascii: "0"),
              text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = UInt16(text), value > 0 else { return nil }
        return value
    }

    /// Four decimal parts 0–255, no leading zeros.
    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.utf8.count),
                  part.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  part.utf8.count == 1 || part.utf8.first != UInt8(ascii: "0"),
                  let v = UInt8(part) else { return nil }
            out.append(v)
        }
        return out
    }

    /// A DNS name (RFC 1123): labels of 1–63 letters, digits and inner hyphens, at most 253
    /// bytes, and a last label that is not all digits (so a bad IPv4 address is not a name).
    private static func parseHostName(_ text: Substring) -> String? {
        guard (1...253).contains(text.utf8.count) else { return nil }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            let u = label.utf8
            guard (1...63).contains(u.count), u.first != UInt8(ascii: "-"), u.last != UInt8(ascii: "-"),
                  u.allSatisfy({ c in
                      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
                          || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-")
                  }) else { return nil }
        }
        guard let last = labels.last,
              !last.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return text.lowercased()
    }

    /// An IPv6 address in any RFC 4291 text form (through `inet_pton`), without a zone.
    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard (2...45).contains(text.utf8.count),
              text.utf8.allSatisfy({ c in
                  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
                      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: ".")
              }) else { return nil }
        var address = [UInt8](repeating: 0, count: 16)
        let ok = String(text).withCString { cs in
            address.withUnsafeMutableBytes { inet_pton(AF_INET6, cs, $0.baseAddress) }
        }
        return ok == 1 ? address : nil
    }

    /// The RFC 5952 text of 16 bytes (through `inet_ntop`).
    static func formatIPv6(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "::" }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let done = bytes.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { out in
                inet_ntop(AF_INET6, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard done else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
