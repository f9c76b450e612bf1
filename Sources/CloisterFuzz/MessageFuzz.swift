import ChainTypes
import P2P
import Primitives

/// The decoders behind the RLPx frame: the message id and Snappy layer (``PeerWire``),
/// the base protocol (Hello, Disconnect, Ping, Pong) and every eth/68 message.
///
/// Promises checked: every input is decoded or refused with a typed error, never a trap;
/// a decoded message re-encodes to exactly the bytes it came from (the decoders are
/// strict: canonical RLP, exact field counts, no trailing bytes), and Snappy round-trips.
enum MessageFuzz {
    /// `mode ‖ payload`: the eth/68 message with id `mode % 17` (ids 0x0b–0x0e are unused
    /// and must be refused).
    static func eth(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        let id = UInt64(parsed.mode % UInt8(Eth.messageCount))
        guard let message = try? Eth.Message.decode(id: id, payload: parsed.body) else { return }
        precondition(message.id.rawValue == id, "eth: decoded message \(message.id) from id \(id)")
        let encoded = message.payload
        precondition(encoded == parsed.body, "eth \(message.id): accepted a payload that does not re-encode to itself")
        precondition((try? Eth.Message.decode(id: id, payload: encoded)) == message, "eth \(message.id): round trip")
    }

    /// `mode ‖ frame`: one frame's contents as a session reads them, compressed when the
    /// mode's low bit is set (p2p v5), then the base-protocol or eth/68 message it names.
    static func wire(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        let snappy = parsed.mode & 1 == 1
        guard let (id, payload) = try? PeerWire.parse(parsed.body, snappy: snappy) else { return }
        let reframed = PeerWire.frame(id: id, payload: payload, snappy: snappy)
        guard let again = try? PeerWire.parse(reframed, snappy: snappy) else {
            preconditionFailure("wire: a frame this node wrote does not parse")
        }
        precondition(again.id == id && again.payload == payload, "wire: frame round trip")
        if id < P2PMessage.reservedMessageIDs {
            guard let message = try? P2PMessage.decode(id: id, payload: payload) else { return }
            precondition((try? P2PMessage.decode(id: id, payload: message.payload)) == message, "p2p \(id): round trip")
        } else {
            let ethID = id - P2PMessage.reservedMessageIDs
            guard let message = try? Eth.Message.decode(id: ethID, payload: payload) else { return }
            precondition(message.payload == payload, "eth \(message.id): accepted a payload that does not re-encode to itself")
        }
    }

    /// `mode ‖ bytes`: mode 0 decompresses the bytes (and round-trips what comes out);
    /// otherwise the bytes are compressed and must come back unchanged, and refused under
    /// a limit one byte short.
    static func snappy(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        if parsed.mode == 0 {
            guard let plain = try? Snappy.decompress(parsed.body, limit: 1 << 20) else { return }
            precondition((try? Snappy.decompress(Snappy.compress(plain), limit: 1 << 20)) == plain, "snappy: round trip of output")
        } else {
            let packed = Snappy.compress(parsed.body)
            precondition((try? Snappy.decompress(packed)) == parsed.body, "snappy: round trip")
            if !parsed.body.isEmpty {
                precondition((try? Snappy.decompress(packed, limit: parsed.body.count - 1)) == nil, "snappy: limit not enforced")
            }
        }
    }

    // MARK: Seeds

    /// One message of each kind, so the fuzzer starts from well-formed RLP.
    static let sampleMessages: [Eth.Message] = {
        let a = FuzzKeys.staticA, b = FuzzKeys.staticB
        let to = Address(publicKey: b.publicKey)
        let legacy = Transaction.legacy(LegacyTransaction(
            chainID: 7331, nonce: 0, gasPrice: UInt256(1_000_000_000), gasLimit: 21_000, to: to, value: UInt256(1)))
            .signed(with: a)
        let accessList = Transaction.accessList(AccessListTransaction(
            chainID: 7331, nonce: 1, gasPrice: UInt256(2_000_000_000), gasLimit: 50_000, to: to, value: .zero,
            data: [0xde, 0xad], accessList: [AccessListEntry(address: to, storageKeys: [Hash32.zero])]))
            .signed(with: a)
        let dynamicFee = Transaction.dynamicFee(DynamicFeeTransaction(
            chainID: 7331, nonce: 2, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(3_000_000_000),
            gasLimit: 60_000, to: nil, value: .zero, data: [0x60, 0x00, 0x60, 0x00, 0xf3]))
            .signed(with: b)
        let transactions = [legacy, accessList, dynamicFee]
        let header = Header(parentHash: Keccak256.hash([1]), beneficiary: to, difficulty: UInt256(2), number: 7,
                            gasLimit: 30_000_000, gasUsed: 21_000, timestamp: 1_700_000_007,
                            extraData: [UInt8](repeating: 0, count: 97), baseFeePerGas: UInt256(7))
        let block = Block(header: header, transactions: transactions, ommers: [])
        let hashes = (0..<3).map { Keccak256.hash([UInt8($0)]) }
        let receipts = [
            Receipt(type: .legacy, succeeded: true, cumulativeGasUsed: 21_000, logs: []),
            Receipt(type: .dynamicFee, succeeded: false, cumulativeGasUsed: 81_000,
                    logs: [Log(address: to, topics: [Hash32.zero], data: [1, 2, 3])]),
        ]
        return [
            .status(Eth.Status(networkID: 7331, totalDifficulty: UInt256(15), head: header.hash,
                               genesis: hashes[0], forkID: ForkID(hash: 0xfc64_ec04, next: 1_150_000))),
            .newBlockHashes(Eth.NewBlockHashes([.init(hash: header.hash, number: 7)])),
            .transactions(Eth.Transactions(transactions)),
            .getBlockHeaders(Eth.GetBlockHeaders(requestID: 1, origin: .number(5), amount: 3, skip: 1, reverse: true)),
            .getBlockHeaders(Eth.GetBlockHeaders(requestID: 2, origin: .hash(hashes[1]), amount: 128)),
            .blockHeaders(Eth.BlockHeaders(requestID: 1, headers: [header, header])),
            .getBlockBodies(Eth.GetBlockBodies(requestID: 3, hashes: hashes)),
            .blockBodies(Eth.BlockBodies(requestID: 3, bodies: [Eth.BlockBody(block), Eth.BlockBody()])),
            .newBlock(Eth.NewBlock(block: block, totalDifficulty: UInt256(15))),
            .newPooledTransactionHashes(Eth.NewPooledTransactionHashes(
                transactions.map { .init(type: $0.type.rawValue, size: UInt32($0.networkEncoding.count), hash: $0.hash) })),
            .getPooledTransactions(Eth.GetPooledTransactions(requestID: 4, hashes: transactions.map(\.hash))),
            .pooledTransactions(Eth.PooledTransactions(requestID: 4, transactions: transactions)),
            .getReceipts(Eth.GetReceipts(requestID: 5, hashes: hashes)),
            .receipts(Eth.Receipts(requestID: 5, receipts: [receipts, []])),
        ]
    }()

    static var ethSeeds: [[UInt8]] {
        sampleMessages.map { [UInt8($0.id.rawValue)] + $0.payload }
    }

    static var wireSeeds: [[UInt8]] {
        let hello = P2PMessage.hello(Hello(clientID: "Cloister/fuzz", capabilities: [Capability(name: "eth", version: 68)],
                                          listenPort: 30303, nodeID: NodeID(publicKey: FuzzKeys.staticA.publicKey)))
        let base: [(UInt64, [UInt8])] = [hello, .disconnect(DisconnectReason(code: 0x04)), .ping, .pong]
            .map { ($0.id.rawValue, $0.payload) }
        let eth = sampleMessages.map { ($0.id.rawValue + P2PMessage.reservedMessageIDs, $0.payload) }
        return (base + eth).flatMap { id, payload in
            [[0] + PeerWire.frame(id: id, payload: payload, snappy: false),
             [1] + PeerWire.frame(id: id, payload: payload, snappy: true)]
        }
    }

    static var snappySeeds: [[UInt8]] {
        sampleMessages.prefix(4).flatMap { [[0] + Snappy.compress($0.payload), [1] + $0.payload] }
    }
}
