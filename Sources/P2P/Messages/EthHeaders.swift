public import Primitives
public import ChainTypes

extension Eth {
    /// GetBlockHeaders (0x03): `[request-id, [origin, amount, skip, reverse]]`.
    ///
    /// Decoding refuses an `amount` above ``Eth/maximumHeaders``, an origin that is neither
    /// a 32-byte hash nor an integer of at most 8 bytes, and a `reverse` other than 0 or 1.
    public struct GetBlockHeaders: Sendable, Hashable, RLPEncodable {
        /// Where the requested run of headers starts.
        public enum Origin: Sendable, Hashable {
            case hash(Hash32)
            case number(UInt64)
        }

        public var requestID: UInt64
        public var origin: Origin
        /// At most this many headers.
        public var amount: UInt64
        /// Blocks left out between two returned headers.
        public var skip: UInt64
        /// Towards lower numbers when true.
        public var reverse: Bool

        public init(requestID: UInt64, origin: Origin, amount: UInt64, skip: UInt64 = 0, reverse: Bool = false) {
            self.requestID = requestID; self.origin = origin; self.amount = amount; self.skip = skip
            self.reverse = reverse
        }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList { e in
                    switch origin {
                    case .hash(let h): e.append(h)
                    case .number(let n): e.append(n)
                    }
                    e.append(amount)
                    e.append(skip)
                    e.append(reverse ? UInt64(1) : 0)
                }
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            let name = "GetBlockHeaders"
            var outer = try MessageReader.eth(payload, name)
            requestID = try outer.uint64()
            var r = try outer.list()
            let start = r.rlp.position
            let originBytes = try r.bytes()
            if originBytes.count == 32, let hash = Hash32(originBytes) {
                origin = .hash(hash)
            } else if originBytes.count <= 8 {
                // An integer: minimal big-endian, as RLPReader.readUInt64 requires.
                guard originBytes.first != 0 else { throw .rlp(message: name, .leadingZeroInInteger(offset: start)) }
                origin = .number(originBytes.reduce(0) { $0 << 8 | UInt64($1) })
            } else {
                throw .invalidField(message: name, field: "origin",
                                    reason: "\(originBytes.count) bytes (a 32-byte hash or an integer of at most 8)")
            }
            amount = try r.uint64()
            guard amount <= UInt64(Eth.maximumHeaders) else {
                throw .invalidField(message: name, field: "amount", reason: "\(amount) exceeds \(Eth.maximumHeaders)")
            }
            skip = try r.uint64()
            switch try r.uint64() {
            case 0: reverse = false
            case 1: reverse = true
            case let other: throw .invalidField(message: name, field: "reverse", reason: "\(other) is not 0 or 1")
            }
            try r.finish()
            try outer.finish()
        }
    }

    /// BlockHeaders (0x04): `[request-id, [header, …]]`, at most ``Eth/maximumHeaders``.
    public struct BlockHeaders: Sendable, Hashable, RLPEncodable {
        public var requestID: UInt64
        public var headers: [Header]

        public init(requestID: UInt64, headers: [Header]) { self.requestID = requestID; self.headers = headers }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList(of: headers)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "BlockHeaders")
            requestID = try r.uint64()
            headers = try r.sequence("headers", limit: Eth.maximumHeaders) { r, _ throws(MessageError) in try r.header() }
            try r.finish()
        }
    }
}
