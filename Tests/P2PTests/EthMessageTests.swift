import Testing
import Primitives
import ChainTypes
import TestSupport
@testable import P2P

/// eth/68: every message round-trips, and hostile payloads give typed errors.
@Suite struct EthMessageTests {
    static let status = Eth.Status(networkID: 1337, totalDifficulty: UInt256(12_345),
                                   head: Fixtures.hash(1), genesis: Fixtures.hash(0),
                                   forkID: ForkID(hash: 0xdeadbeef, next: 0))

    static let samples: [Eth.Message] = [
        .status(status),
        .newBlockHashes(Eth.NewBlockHashes([.init(hash: Fixtures.hash(1), number: 1), .init(hash: Fixtures.hash(2), number: 2)])),
        .transactions(Eth.Transactions(Fixtures.transactions)),
        .transactions(Eth.Transactions([])),
        .getBlockHeaders(Eth.GetBlockHeaders(requestID: 7, origin: .number(1_000), amount: 192, skip: 0, reverse: false)),
        .getBlockHeaders(Eth.GetBlockHeaders(requestID: .max, origin: .hash(Fixtures.hash(9)), amount: 1, skip: 5, reverse: true)),
        .getBlockHeaders(Eth.GetBlockHeaders(requestID: 0, origin: .number(0), amount: 0)),
        .blockHeaders(Eth.BlockHeaders(requestID: 7, headers: [Fixtures.header(1), Fixtures.header(2)])),
        .blockHeaders(Eth.BlockHeaders(requestID: 8, headers: [])),
        .getBlockBodies(Eth.GetBlockBodies(requestID: 9, hashes: [Fixtures.hash(1), Fixtures.hash(2)])),
        .blockBodies(Eth.BlockBodies(requestID: 9, bodies: [Eth.BlockBody(Fixtures.block), Eth.BlockBody()])),
        .newBlock(Eth.NewBlock(block: Fixtures.block, totalDifficulty: UInt256(99))),
        .newPooledTransactionHashes(Eth.NewPooledTransactionHashes(Fixtures.transactions.map(Eth.NewPooledTransactionHashes.announcement))),
        .getPooledTransactions(Eth.GetPooledTransactions(requestID: 10, hashes: Fixtures.transactions.map(\.hash))),
        .pooledTransactions(Eth.PooledTransactions(requestID: 10, transactions: Fixtures.transactions)),
        .getReceipts(Eth.GetReceipts(requestID: 11, hashes: [Fixtures.hash(3)])),
        .receipts(Eth.Receipts(requestID: 11, receipts: [Fixtures.receipts, [], [Fixtures.receipts[0]]])),
    ]

    @Test(arguments: samples)
    func roundTrips(_ message: Eth.Message) throws {
        let decoded = try Eth.Message.decode(id: message.id.rawValue, payload: message.payload)
        #expect(decoded == message)
        #expect(decoded.payload == message.payload)
    }

    @Test(arguments: samples)
    func everyTruncationFails(_ message: Eth.Message) {
        let payload = message.payload
        let step = max(1, payload.count / 64)
        for n in stride(from: 0, to: payload.count, by: step) {
            #expect(throws: MessageError.self) { try Eth.Message.decode(id: message.id.rawValue, payload: Array(payload.prefix(n))) }
        }
    }

    @Test(arguments: samples)
    func trailingBytesFail(_ message: Eth.Message) {
        #expect(throws: MessageError.self) { try Eth.Message.decode(id: message.id.rawValue, payload: message.payload + [0x80]) }
    }

    @Test(arguments: samples)
    func extraListElementsFail(_ message: Eth.Message) throws {
        guard case .list(let items) = try RLPItem(decoding: message.payload) else { Issue.record("not a list"); return }
        let longer = RLPItem.list(items + [.bytes([1])]).rlpEncoded
        #expect(throws: MessageError.self) { try Eth.Message.decode(id: message.id.rawValue, payload: longer) }
    }

    @Test func transactionsTravelAsEIP2718() throws {
        let payload = Eth.Transactions(Fixtures.transactions).rlpEncoded
        guard case .list(let items) = try RLPItem(decoding: payload) else { Issue.record("not a list"); return }
        // Legacy as a list, typed as strings holding type ‖ payload.
        guard case .list = items[0] else { Issue.record("legacy is not a list"); return }
        #expect(items[1] == .bytes(Fixtures.accessList.networkEncoding))
        #expect(items[2] == .bytes(Fixtures.dynamicFee.networkEncoding))
    }

    @Test func typedReceiptsTravelAsStrings() throws {
        let payload = Eth.Receipts(requestID: 1, receipts: [Fixtures.receipts]).rlpEncoded
        guard case .list(let outer) = try RLPItem(decoding: payload), case .list(let blocks) = outer[1],
              case .list(let receipts) = blocks[0] else { Issue.record("shape"); return }
        guard case .list = receipts[0] else { Issue.record("legacy receipt is not a list"); return }
        #expect(receipts[1] == .bytes(Fixtures.receipts[1].consensusEncoding))
    }

    @Test func unknownAndRemovedIDsAreRefused() {
        for id: UInt64 in [0x0b, 0x0c, 0x0d, 0x0e, 0x11, 0xff] {
            #expect(throws: MessageError.unknownMessageID(protocol: "eth/68", id: id)) {
                try Eth.Message.decode(id: id, payload: [0xc0])
            }
        }
    }

    @Test func oversizedPayloadIsRefusedBeforeDecoding() {
        let payload = [UInt8](repeating: 0, count: Eth.maximumMessageSize + 1)
        #expect(throws: MessageError.messageTooLarge(message: "Transactions", size: payload.count, limit: Eth.maximumMessageSize)) {
            try Eth.Message.decode(id: Eth.MessageID.transactions.rawValue, payload: payload)
        }
    }

    // MARK: Limits

    @Test func requestListsAreBounded() throws {
        let hashes = (0...Eth.maximumBodies).map { Fixtures.hash($0) }
        #expect(throws: MessageError.tooManyItems(message: "GetBlockBodies", field: "hashes", limit: Eth.maximumBodies)) {
            try Eth.GetBlockBodies(rlp: Eth.GetBlockBodies(requestID: 1, hashes: hashes).rlpEncoded)
        }
        #expect(throws: MessageError.tooManyItems(message: "GetReceipts", field: "hashes", limit: Eth.maximumReceiptBlocks)) {
            try Eth.GetReceipts(rlp: Eth.GetReceipts(requestID: 1, hashes: hashes).rlpEncoded)
        }
        #expect(try Eth.GetBlockBodies(rlp: Eth.GetBlockBodies(requestID: 1, hashes: Array(hashes.dropLast())).rlpEncoded)
                .hashes.count == Eth.maximumBodies)
        let many = (0...Eth.maximumTransactions).map { Fixtures.hash($0) }
        #expect(throws: MessageError.tooManyItems(message: "GetPooledTransactions", field: "hashes", limit: Eth.maximumTransactions)) {
            try Eth.GetPooledTransactions(rlp: Eth.GetPooledTransactions(requestID: 1, hashes: many).rlpEncoded)
        }
    }

    @Test func headerRequestsAreBounded() throws {
        let ok = Eth.GetBlockHeaders(requestID: 1, origin: .number(5), amount: UInt64(Eth.maximumHeaders))
        #expect(try Eth.GetBlockHeaders(rlp: ok.rlpEncoded) == ok)
        let tooMany = Eth.GetBlockHeaders(requestID: 1, origin: .number(5), amount: UInt64(Eth.maximumHeaders) + 1)
        #expect(throws: MessageError.invalidField(message: "GetBlockHeaders", field: "amount", reason: "1025 exceeds 1024")) {
            try Eth.GetBlockHeaders(rlp: tooMany.rlpEncoded)
        }
        let headers = Array(repeating: Fixtures.header(1), count: Eth.maximumHeaders + 1)
        #expect(throws: MessageError.tooManyItems(message: "BlockHeaders", field: "headers", limit: Eth.maximumHeaders)) {
            try Eth.BlockHeaders(rlp: Eth.BlockHeaders(requestID: 1, headers: headers).rlpEncoded)
        }
    }

    @Test func headerRequestFieldsAreChecked() {
        func request(_ origin: [UInt8], reverse: [UInt8] = [0x80]) -> [UInt8] {
            Fixtures.list([Fixtures.int(1), Fixtures.list([origin, Fixtures.int(10), Fixtures.int(0), reverse])])
        }
        // A 20-byte origin is neither hash nor number.
        #expect(throws: MessageError.self) { try Eth.GetBlockHeaders(rlp: request(Fixtures.bytes(Array(repeating: 1, count: 20)))) }
        // A 9-byte number.
        #expect(throws: MessageError.self) { try Eth.GetBlockHeaders(rlp: request(Fixtures.bytes(Array(repeating: 1, count: 9)))) }
        // A number with a leading zero.
        #expect(throws: MessageError.self) { try Eth.GetBlockHeaders(rlp: request(Fixtures.bytes([0, 1]))) }
        // reverse = 2.
        #expect(throws: MessageError.invalidField(message: "GetBlockHeaders", field: "reverse", reason: "2 is not 0 or 1")) {
            try Eth.GetBlockHeaders(rlp: request(Fixtures.int(5), reverse: Fixtures.int(2)))
        }
        // The origin as a list.
        #expect(throws: MessageError.self) { try Eth.GetBlockHeaders(rlp: request(Fixtures.list([]))) }
        // No request id (eth/65 form).
        let eth65 = Fixtures.list([Fixtures.int(5), Fixtures.int(10), Fixtures.int(0), Fixtures.int(0)])
        #expect(throws: MessageError.self) { try Eth.GetBlockHeaders(rlp: eth65) }
    }

    @Test func pooledAnnouncementsMustHaveEqualLengths() {
        let types = Fixtures.bytes([0, 2])
        let sizes = Fixtures.list([Fixtures.int(100), Fixtures.int(200)])
        let hashes = Fixtures.list([Fixtures.hash(1).rlpEncoded])
        #expect(throws: MessageError.announcementLengthMismatch(types: 2, sizes: 2, hashes: 1)) {
            try Eth.NewPooledTransactionHashes(rlp: Fixtures.list([types, sizes, hashes]))
        }
        // The eth/66 form (a bare hash list) is refused.
        #expect(throws: MessageError.self) {
            try Eth.NewPooledTransactionHashes(rlp: Fixtures.list([Fixtures.hash(1).rlpEncoded]))
        }
        // A size above 2^32 - 1.
        let bigSize = Fixtures.list([Fixtures.bytes([2]), Fixtures.list([Fixtures.int(1 << 33)]),
                                     Fixtures.list([Fixtures.hash(1).rlpEncoded])])
        #expect(throws: MessageError.self) { try Eth.NewPooledTransactionHashes(rlp: bigSize) }
        // More than the limit.
        let n = Eth.maximumAnnouncements + 1
        let tooMany = Fixtures.list([Fixtures.bytes(Array(repeating: 2, count: n)),
                                     Fixtures.list(Array(repeating: Fixtures.int(1), count: n)),
                                     Fixtures.list((0..<n).map { Fixtures.hash($0).rlpEncoded })])
        #expect(throws: MessageError.tooManyItems(message: "NewPooledTransactionHashes", field: "types",
                                                  limit: Eth.maximumAnnouncements)) {
            try Eth.NewPooledTransactionHashes(rlp: tooMany)
        }
    }

    @Test func transactionListsAreBoundedAndIndexed() throws {
        let legacy = Fixtures.legacy.rlpEncoded
        let tooMany = Fixtures.list(Array(repeating: legacy, count: Eth.maximumTransactions + 1))
        #expect(throws: MessageError.tooManyItems(message: "Transactions", field: "transactions", limit: Eth.maximumTransactions)) {
            try Eth.Transactions(rlp: tooMany)
        }
        // The second transaction has an unknown type: the error names it.
        let bad = Fixtures.list([legacy, Fixtures.bytes([0x05, 0xc0])])
        #expect(throws: MessageError.transaction(message: "Transactions", index: 1, .unsupportedType(5))) {
            try Eth.Transactions(rlp: bad)
        }
        // A typed transaction written as a bare list (not wrapped in a string) is not legacy.
        let unwrapped = Fixtures.list([Array(Fixtures.dynamicFee.networkEncoding.dropFirst())])
        #expect(throws: MessageError.self) { try Eth.Transactions(rlp: unwrapped) }
    }

    @Test func bodiesRefuseWithdrawalsAndExtraOmmers() {
        let withdrawals = Fixtures.list([Fixtures.int(1), Fixtures.list([Fixtures.list([Fixtures.list([]), Fixtures.list([]),
                                                                                        Fixtures.list([])])])])
        #expect(throws: MessageError.invalidField(message: "BlockBodies", field: "body",
                                                  reason: "withdrawals are not supported on this chain")) {
            try Eth.BlockBodies(rlp: withdrawals)
        }
        let threeOmmers = Eth.BlockBodies(requestID: 1, bodies: [Eth.BlockBody(ommers: [Fixtures.header(1), Fixtures.header(2),
                                                                                        Fixtures.header(3)])])
        #expect(throws: MessageError.tooManyItems(message: "BlockBodies", field: "ommers", limit: 2)) {
            try Eth.BlockBodies(rlp: threeOmmers.rlpEncoded)
        }
    }

    @Test func receiptsRefuseHostileEncodings() {
        func receipts(_ items: [[UInt8]]) -> [UInt8] { Fixtures.list([Fixtures.int(1), Fixtures.list([Fixtures.list(items)])]) }
        // A legacy receipt wrapped in a string.
        let wrappedLegacy = Fixtures.bytes(Fixtures.receipts[0].consensusEncoding)
        #expect(throws: MessageError.receipt(message: "Receipts", index: 0, .unsupportedType(0xf9))) {
            try Eth.Receipts(rlp: receipts([wrappedLegacy]))
        }
        // An empty string.
        #expect(throws: MessageError.self) { try Eth.Receipts(rlp: receipts([Fixtures.bytes([])])) }
        // Unknown type 0x7f.
        #expect(throws: MessageError.receipt(message: "Receipts", index: 1, .unsupportedType(0x7f))) {
            try Eth.Receipts(rlp: receipts([Fixtures.receipts[0].consensusEncoding, Fixtures.bytes([0x7f, 0xc0])]))
        }
    }

    @Test func statusFieldsAreChecked() {
        let good = Self.status.rlpEncoded
        #expect(throws: MessageError.self) { try Eth.Status(rlp: Array(good.dropLast())) }
        // A 31-byte head hash.
        let shortHash = Fixtures.list([Fixtures.int(68), Fixtures.int(1), Fixtures.int(1),
                                       Fixtures.bytes(Array(repeating: 1, count: 31)), Fixtures.hash(0).rlpEncoded,
                                       ForkID(hash: 1, next: 0).rlpEncoded])
        #expect(throws: MessageError.rlp(message: "Status", .wrongLength(offset: 5, got: 31, expected: 32))) {
            try Eth.Status(rlp: shortHash)
        }
        // A 33-byte total difficulty.
        let bigTD = Fixtures.list([Fixtures.int(68), Fixtures.int(1), Fixtures.bytes([1] + Array(repeating: 0, count: 32)),
                                   Fixtures.hash(1).rlpEncoded, Fixtures.hash(0).rlpEncoded, ForkID(hash: 1, next: 0).rlpEncoded])
        #expect(throws: MessageError.self) { try Eth.Status(rlp: bigTD) }
        // eth/63 Status (no fork id).
        let old = Fixtures.list([Fixtures.int(63), Fixtures.int(1), Fixtures.int(1), Fixtures.hash(1).rlpEncoded,
                                 Fixtures.hash(0).rlpEncoded])
        #expect(throws: MessageError.self) { try Eth.Status(rlp: old) }
    }

    @Test func mutatedPayloadsNeverTrap() {
        var rng = SeededGenerator(seed: 5)
        for message in Self.samples {
            let seed = message.payload
            for _ in 0..<200 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
                for id in Eth.MessageID.allCases { _ = try? Eth.Message.decode(id: id.rawValue, payload: bytes) }
            }
        }
    }
}
