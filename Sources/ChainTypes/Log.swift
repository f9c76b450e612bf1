public import Primitives

/// An event emitted by a contract: `LOG0`…`LOG4`. RLP `[address, [topics…], data]`.
public struct Log: Sendable, Hashable, RLPEncodable {
    public var address: Address
    public var topics: [Hash32]
    public var data: [UInt8]

    public init(address: Address, topics: [Hash32], data: [UInt8]) {
        self.address = address; self.topics = topics; self.data = data
    }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(address)
            e.appendList { e in for t in topics { e.append(t) } }
            e.appendBytes(data)
        }
    }

    /// Reads one log item.
    public init(from reader: inout RLPReader) throws(RLPError) {
        var f = try reader.readList()
        address = try f.readFixed(Address.self)
        var t = try f.readList()
        var topics: [Hash32] = []
        while !t.isAtEnd { topics.append(try t.readFixed(Hash32.self)) }
        self.topics = topics
        data = Array(try f.readBytes())
        try f.finish()
    }

    /// Keccak-256 of the RLP list of `logs`: the `logs` field of a state test.
    public static func hash(of logs: [Log]) -> Hash32 {
        var e = RLPEncoder()
        e.appendList { e in for log in logs { e.append(log) } }
        return Keccak256.hash(e.bytes)
    }
}
