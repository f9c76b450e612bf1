/// Who may reach the JSON-RPC server from a browser, decided from request headers
/// alone (pure; the server applies it). The rules are go-ethereum's:
///
/// - **Host** (`--http-vhosts`): a request whose `Host` names a host not in the list is
///   refused (403), so a DNS-rebinding page (`evil.example` resolving to 127.0.0.1)
///   cannot reach the node. IP literals and a missing `Host` are always allowed (a
///   rebinding page always sends its own name); `*` allows any.
/// - **Origin** (`--ws-origins` for WebSocket upgrades, `--http-corsdomain` for CORS):
///   each rule is `scheme://host:port`, `scheme://host` or `host`, and a part left out
///   matches anything; `*` matches any origin. A request without `Origin` is not from a
///   browser page and is not checked.
///
/// Guarantees: every decision is a function of the configured lists and the header
/// values; nothing is cached. `Sendable`.
public struct AccessPolicy: Sendable, Equatable {
    /// Host names accepted in `Host` (lower-cased); `*` accepts any.
    public var virtualHosts: [String]
    /// Origins that may open a WebSocket.
    public var webSocketOrigins: [OriginRule]
    /// Origins that CORS lets read HTTP responses.
    public var corsOrigins: [OriginRule]

    public init(virtualHosts: [String] = ["localhost"], webSocketOrigins: [OriginRule] = OriginRule.local,
                corsOrigins: [OriginRule] = []) {
        self.virtualHosts = virtualHosts.map { $0.lowercased() }
        self.webSocketOrigins = webSocketOrigins
        self.corsOrigins = corsOrigins
    }

    /// Whether a request with this `Host` header value may be served.
    public func allowsHost(_ host: String?) -> Bool {
        guard let host, !host.isEmpty else { return true }
        let name = Self.hostName(host).lowercased()
        if Self.isIPLiteral(name) { return true }
        return virtualHosts.contains("*") || virtualHosts.contains(name)
    }

    /// Whether a WebSocket upgrade with this `Origin` header value may proceed.
    public func allowsWebSocket(origin: String?) -> Bool {
        guard let origin else { return true }
        return webSocketOrigins.contains { $0.matches(origin) }
    }

    /// ``allowsWebSocket(origin:)``, or a same-origin page: one this server itself served
    /// (the node's status page), whose `Origin` names exactly the `Host` it was asked as,
    /// and that host is an allowed virtual host.
    public func allowsWebSocket(origin: String?, host: String?) -> Bool {
        if allowsWebSocket(origin: origin) { return true }
        guard let origin, let host, allowsHost(host) else { return false }
        for scheme in ["http://", "https://"] where origin.lowercased().hasPrefix(scheme) {
            return origin.dropFirst(scheme.count).lowercased() == host.lowercased()
        }
        return false
    }

    /// The value for `Access-Control-Allow-Origin` answering `origin`, or nil when CORS
    /// does not allow it (the browser then keeps the response from the page).
    public func corsAllowOrigin(for origin: String?) -> String? {
        guard let origin else { return nil }
        if corsOrigins.contains(where: \.isWildcard) { return "*" }
        return corsOrigins.contains { $0.matches(origin) } ? origin : nil
    }

    /// The host part of a `Host` header value: without its port, and without the
    /// brackets of an IPv6 literal.
    static func hostName(_ value: String) -> String {
        let v = value.trimmingSpaces
        if v.hasPrefix("[") {
            guard let close = v.firstIndex(of: "]") else { return v }
            return String(v[v.index(after: v.startIndex)..<close])
        }
        // A bare IPv6 literal has several colons; a host:port has one.
        if v.filter({ $0 == ":" }).count == 1, let colon = v.firstIndex(of: ":") { return String(v[..<colon]) }
        return v
    }

    /// Whether `name` is an IPv4 dotted quad or an IPv6 literal.
    static func isIPLiteral(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCIIDigit) && (Int(p) ?? 256) <= 255 }) {
            return true
        }
        return name.contains(":") && name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || $0.isLetter }
    }
}

/// One allowed origin: `*`, or any of scheme, host and port (a missing part matches all).
public struct OriginRule: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String?
    public let host: String
    public let port: String?

    /// Pages served from this machine (`localhost`, `127.0.0.1`, `[::1]`) on any port and
    /// scheme: a dApp under development.
    public static let local: [OriginRule] = ["localhost", "127.0.0.1", "[::1]"].map { OriginRule(parsing: $0) }
    /// Any origin.
    public static let any = OriginRule(parsing: "*")

    public var isWildcard: Bool { host == "*" && scheme == nil && port == nil }

    /// Parses `*`, `host`, `host:port`, `scheme://host` or `scheme://host:port` (case-insensitive).
    public init(parsing text: String) {
        let parts = OriginRule.split(text.trimmingSpaces.lowercased())
        scheme = parts.scheme; host = parts.host; port = parts.port
    }

    public var description: String {
        (scheme.map { "\($0)://" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// Whether the browser origin `origin` (`scheme://host[:port]`) is allowed by this rule.
    public func matches(_ origin: String) -> Bool {
        if isWildcard { return true }
        let o = OriginRule.split(origin.trimmingSpaces.lowercased())
        if let scheme, scheme != o.scheme { return false }
        if host != o.host { return false }
        if let port, port != (o.port ?? OriginRule.defaultPort(o.scheme)) { return false }
        return true
    }

    static func defaultPort(_ scheme: String?) -> String? {
        switch scheme {
        case "http": "80"
        case "https": "443"
        default: nil
        }
    }

    static func split(_ text: String) -> (scheme: String?, host: String, port: String?) {
        var rest = Substring(text)
        var scheme: String?
        if let r = rest.range(of: "://") {
            scheme = String(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let host = String(rest[...close])
            let after = rest[rest.index(after: close)...]
            let port = after.hasPrefix(":") ? String(after.dropFirst()) : nil
            return (scheme, host, port?.isEmpty == true ? nil : port)
        }
        if let colon = rest.lastIndex(of: ":") {
            let port = String(rest[rest.index(after: colon)...])
            return (scheme, String(rest[..<colon]), port.isEmpty ? nil : port)
        }
        return (scheme, String(rest), nil)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
