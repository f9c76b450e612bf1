/// A capability a node offers in its Hello: a protocol name and version (`eth`/68).
///
/// Ordered by name (bytewise), then version, as devp2p sorts shared capabilities.
public struct Capability: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var version: UInt64

    public init(name: String, version: UInt64) { self.name = name; self.version = version }

    /// The base protocol itself, `p2p`/5, which owns wire ids 0x00–0x0f.
    public static let p2p5 = Capability(name: "p2p", version: P2PMessage.protocolVersion)
    /// `eth/68` (devp2p caps/eth.md).
    public static let eth68 = Capability(name: "eth", version: 68)
    /// `clo/1`, Cloister's sub-protocol for confidential sections (NETWORK.md).
    public static let clo1 = Capability(name: "clo", version: 1)

    /// The longest capability name accepted from a peer, in bytes.
    public static let maximumNameLength = 32

    public static func < (a: Capability, b: Capability) -> Bool {
        if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        return a.version < b.version
    }

    public var description: String { "\(name)/\(version)" }
}

/// A capability this node implements, with the number of message ids it uses.
public struct SupportedCapability: Hashable, Sendable {
    public var capability: Capability
    /// How many consecutive wire ids the capability takes.
    public var messageCount: UInt64

    public init(_ capability: Capability, messageCount: UInt64) {
        self.capability = capability; self.messageCount = messageCount
    }

    /// `eth/68`: 17 ids, 0x00–0x10 (caps/eth.md).
    public static let eth68 = SupportedCapability(.eth68, messageCount: Eth.messageCount)
    /// `clo/1`: 2 ids, GetSections 0x00 and Sections 0x01.
    public static let clo1 = SupportedCapability(.clo1, messageCount: Clo.messageCount)
}

/// Cloister's `clo` sub-protocol (NETWORK.md section 1): only what eth/68 has no message for,
/// the confidential sections of blocks (CONFIDENTIAL.md section 6). Messages are in
/// `CloProtocol.swift`.
public enum Clo {
    /// The protocol version.
    public static let version: UInt64 = 1
    /// GetSections and Sections.
    public static let messageCount: UInt64 = 2

    /// `clo/1` message ids, relative to the capability's offset.
    public enum MessageID: UInt64, Sendable, CaseIterable {
        case getSections = 0x00
        case sections = 0x01
    }
}

/// The message-id map of one connection, from both sides' Hello capabilities (rlpx.md,
/// "Message-ID-based Multiplexing").
///
/// Guarantees: a capability is shared when both sides list the same name *and* version;
/// per name only the highest shared version is kept; shared capabilities are ordered by
/// name, and each takes the next ``SupportedCapability/messageCount`` wire ids, starting at
/// 0x10 after the base protocol. So with `clo/1` and `eth/68` shared, `clo` has 0x10–0x11
/// and `eth` 0x12–0x22; with only `eth/68`, `eth` has 0x10–0x20. Wire ids 0x00–0x0f route
/// to ``Capability/p2p5``. An immutable `Sendable` value, computed once per connection.
public struct CapabilityTable: Sendable, Hashable {
    /// One shared capability and its wire-id range.
    public struct Entry: Sendable, Hashable {
        public let capability: Capability
        /// The first wire id.
        public let offset: UInt64
        public let messageCount: UInt64

        /// The wire ids of this capability.
        public var wireIDs: Range<UInt64> { offset..<(offset + messageCount) }
    }

    /// The shared capabilities in wire-id order (by name); empty when nothing is shared
    /// (the session then disconnects with ``DisconnectReason/uselessPeer``).
    public let entries: [Entry]

    /// Matches our capabilities against the peer's.
    public init(local: [SupportedCapability], remote: [Capability]) {
        let theirs = Set(remote)
        var best: [String: SupportedCapability] = [:]
        for ours in local where theirs.contains(ours.capability) {
            if let current = best[ours.capability.name], current.capability.version >= ours.capability.version { continue }
            best[ours.capability.name] = ours
        }
        var offset = P2PMessage.reservedMessageIDs
        var entries: [Entry] = []
        for shared in best.values.sorted(by: { $0.capability < $1.capability }) {
            entries.append(Entry(capability: shared.capability, offset: offset, messageCount: shared.messageCount))
            offset += shared.messageCount
        }
        self.entries = entries
    }

    /// The shared capabilities, in wire-id order.
    public var capabilities: [Capability] { entries.map(\.capability) }

    /// The shared version of a capability name, with its range.
    public func entry(named name: String) -> Entry? { entries.first { $0.capability.name == name } }

    /// The capability a wire id belongs to and the id within it; ids below 0x10 belong to
    /// ``Capability/p2p5``. Nil for an id past the last shared capability.
    public func route(wireID: UInt64) -> (capability: Capability, localID: UInt64)? {
        if wireID < P2PMessage.reservedMessageIDs { return (.p2p5, wireID) }
        guard let entry = entries.first(where: { $0.wireIDs.contains(wireID) }) else { return nil }
        return (entry.capability, wireID - entry.offset)
    }

    /// The wire id of message `localID` of the capability `name`; nil when the capability is
    /// not shared or the id is outside its range. `"p2p"` maps ids 0x00–0x0f to themselves.
    public func wireID(capability name: String, localID: UInt64) -> UInt64? {
        if name == Capability.p2p5.name {
            return localID < P2PMessage.reservedMessageIDs ? localID : nil
        }
        guard let entry = entry(named: name), localID < entry.messageCount else { return nil }
        return entry.offset + localID
    }
}
