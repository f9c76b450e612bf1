public import Primitives

extension Eth {
    /// Status (0x00), the first eth message each side sends:
    /// `[version, networkid, td, blockhash, genesis, forkid]` (eth/64+; no request id).
    ///
    /// Decoding checks only the encoding; the session compares network id, genesis and
    /// fork id (``ForkSchedule/validate(_:headNumber:headTime:)``).
    public struct Status: Sendable, Hashable, RLPEncodable {
        public var version: UInt64
        /// The network id (Cloister: the chain id).
        public var networkID: UInt64
        public var totalDifficulty: UInt256
        /// The hash of the sender's best block.
        public var head: Hash32
        public var genesis: Hash32
        public var forkID: ForkID

        public init(version: UInt64 = Eth.version, networkID: UInt64, totalDifficulty: UInt256,
                    head: Hash32, genesis: Hash32, forkID: ForkID) {
            self.version = version; self.networkID = networkID; self.totalDifficulty = totalDifficulty
            self.head = head; self.genesis = genesis; self.forkID = forkID
        }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(version)
                e.append(networkID)
                e.append(totalDifficulty)
                e.append(head)
                e.append(genesis)
                e.append(forkID)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "Status")
            version = try r.uint64()
            networkID = try r.uint64()
            totalDifficulty = try r.uint256()
            head = try r.hash()
            genesis = try r.hash()
            forkID = try ForkID(from: &r)
            try r.finish()
        }
    }
}
