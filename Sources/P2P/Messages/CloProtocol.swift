public import Primitives

extension Clo {
    /// Most block hashes one GetSections may ask for.
    public static let maximumSections = 256

    /// `GetSections [request-id, [blockHash, …]]` (clo id 0x00).
    public struct GetSections: Sendable, Hashable {
        public var requestID: UInt64
        public var hashes: [Hash32]
        public init(requestID: UInt64, hashes: [Hash32]) { self.requestID = requestID; self.hashes = hashes }
    }

    /// `Sections [request-id, [section, …]]` (clo id 0x01): one item per asked hash, in
    /// order, each the section's RLP as a byte string, or empty when the peer has none.
    public struct Sections: Sendable, Hashable {
        public var requestID: UInt64
        public var sections: [[UInt8]]
        public init(requestID: UInt64, sections: [[UInt8]]) { self.requestID = requestID; self.sections = sections }
    }

    /// A `clo/1` message. Decoding is strict (canonical RLP, exact shapes, limits checked
    /// before reading); a section's own bytes are decoded later, by whoever uses them.
    public enum Message: Sendable, Hashable {
        case getSections(GetSections)
        case sections(Sections)

        public var id: MessageID {
            switch self {
            case .getSections: .getSections
            case .sections: .sections
            }
        }

        public var payload: [UInt8] {
            var e = RLPEncoder()
            e.appendList { e in
                switch self {
                case .getSections(let m):
                    e.append(m.requestID)
                    e.appendList(of: m.hashes)
                case .sections(let m):
                    e.append(m.requestID)
                    e.appendList { e in for s in m.sections { e.appendBytes(s) } }
                }
            }
            return e.bytes
        }

        /// Decodes message `id` (relative to the capability's offset).
        public static func decode(id: UInt64, payload: [UInt8]) throws(MessageError) -> Message {
            guard let messageID = MessageID(rawValue: id) else { throw .unknownMessageID(protocol: "clo", id: id) }
            switch messageID {
            case .getSections:
                var r = try MessageReader.open(payload, message: "GetSections", limit: Eth.maximumMessageSize)
                let requestID = try r.uint64()
                let hashes = try r.hashes("hashes", limit: Clo.maximumSections)
                try r.finish()
                return .getSections(GetSections(requestID: requestID, hashes: hashes))
            case .sections:
                var r = try MessageReader.open(payload, message: "Sections", limit: Eth.maximumMessageSize)
                let requestID = try r.uint64()
                let sections = try r.sequence("sections", limit: Clo.maximumSections) { r, _ throws(MessageError) in Array(try r.bytes()) }
                try r.finish()
                return .sections(Sections(requestID: requestID, sections: sections))
            }
        }
    }
}
