import Foundation
import Testing
import Primitives
import ChainTypes
import Trie
import TestSupport

@Suite struct HeaderAndGenesisTests {
    @Test func headerFormatsRoundTrip() throws {
        var h = Header(number: 7, gasLimit: 30_000_000, gasUsed: 21_000, timestamp: 1_700_000_000,
                       extraData: [UInt8](repeating: 1, count: 97), nonce: .max)
        for step in 0..<4 {
            switch step {
            case 1: h.baseFeePerGas = 875_000_000
            case 2: h.withdrawalsRoot = .emptyTrieRoot
            case 3: h.blobGasUsed = 0; h.excessBlobGas = 0; h.parentBeaconBlockRoot = .zero
            default: break
            }
            let decoded = try Header(rlp: h.rlpEncoded)
            #expect(decoded == h)
            #expect(decoded.hash == h.hash)
        }
        var legacy = RLPReader(Header().rlpEncoded)
        var fields = try legacy.readList()
        var count = 0
        while !fields.isAtEnd { _ = try fields.readEncodedItem(); count += 1 }
        #expect(count == 15)
    }

    @Test func headerRejectsMalformedFields() throws {
        var e = RLPEncoder()
        e.appendList { e in
            for _ in 0..<6 { e.append(Hash32.zero) }
            e.appendBytes([UInt8](repeating: 0, count: 255))  // bloom one byte short
        }
        #expect(throws: RLPError.self) { try Header(rlp: e.bytes) }
        var bytes = Header().rlpEncoded
        bytes.append(0x80)
        #expect(throws: RLPError.trailingBytes(offset: bytes.count - 1)) { try Header(rlp: bytes) }
    }

    @Test func bloomSetsThreeBitsPerEntry() {
        var bloom = Bloom()
        let address = Address(Array(repeating: 0x11, count: 20))!
        bloom.insert(address.bytes)
        #expect(bloom.bytes.map(\.nonzeroBitCount).reduce(0, +) <= 3)
        #expect(bloom.mayContain(address.bytes))
        #expect(!bloom.mayContain(Array(repeating: 0x22, count: 20)) || true)  // false positives are allowed
        let log = Log(address: address, topics: [Keccak256.hash([1])], data: [])
        #expect(Bloom(logs: [log]).mayContain(Keccak256.hash([1]).bytes))
    }

    static func parse(_ json: String) throws(GenesisError) -> Genesis { try Genesis(json: Data(json.utf8)) }

    @Test func genesisErrorsNameTheField() {
        #expect(throws: GenesisError(field: "config", reason: "missing")) { try Self.parse("{}") }
        #expect(throws: GenesisError(field: "config.chainId", reason: "missing")) { try Self.parse(#"{"config":{}}"#) }
        #expect(throws: GenesisError.self) { try Self.parse("not json") }
        do {
            _ = try Self.parse(#"{"config":{"chainId":1},"alloc":{"0x12":{"balance":"1"}}}"#)
            Issue.record("short address accepted")
        } catch { #expect(error.field == "alloc.0x12") }
        do {
            _ = try Self.parse(#"{"config":{"chainId":1},"gasLimit":"0xzz"}"#)
            Issue.record("bad gas limit accepted")
        } catch { #expect(error.field == "gasLimit") }
        do {
            _ = try Self.parse(#"{"config":{"chainId":1,"homesteadBlock":5,"byzantiumBlock":2}}"#)
            Issue.record("fork order not checked")
        } catch { #expect(error.field == "config.byzantiumBlock") }
        do {
            _ = try Self.parse(#"{"config":{"chainId":1},"alloc":{"0x0000000000000000000000000000000000000001":{}}}"#)
            Issue.record("account without balance accepted")
        } catch { #expect(error.field == "alloc.0x0000000000000000000000000000000000000001.balance") }
    }

    @Test func genesisDefaultsFollowGeth() throws {
        let g = try Self.parse(#"{"config":{"chainId":1337,"londonBlock":0},"alloc":{}}"#)
        let h = g.header
        #expect(h.gasLimit == Genesis.defaultGasLimit)
        #expect(h.difficulty == Genesis.defaultDifficulty)
        #expect(h.baseFeePerGas == Genesis.initialBaseFee)
        #expect(h.stateRoot == .emptyTrieRoot)
        let numbers = try Self.parse(#"{"config":{"chainId":"0x539"},"gasLimit":30000000,"timestamp":"1700000000","difficulty":"0x1"}"#)
        #expect(numbers.config.chainID == 1337 && numbers.gasLimit == 30_000_000 && numbers.timestamp == 1_700_000_000)
        #expect(numbers.header.difficulty == 1)
    }

    @Test func genesisStorageRootMatchesTrie() throws {
        let g = try Self.parse(#"""
        {"config":{"chainId":1},"alloc":{"0x00000000000000000000000000000000000000aa":
          {"balance":"0x10","nonce":"0x2","code":"0x6001600055",
           "storage":{"0x01":"0x02","0x0000000000000000000000000000000000000000000000000000000000000003":"0x00"}}}}
        """#)
        let account = try #require(g.alloc[Address(hex: "0x00000000000000000000000000000000000000aa")])
        #expect(account.storage.count == 1, "zero values are dropped")
        let trie = SecureTrie()
        try trie.update(UInt256(1).bigEndianBytes, UInt256(2).rlpEncoded)
        #expect(account.storageRoot == trie.rootHash())
        #expect(account.stateAccount.codeHash == Keccak256.hash([0x60, 0x01, 0x60, 0x00, 0x55]))
    }
}

@Suite struct HeaderFormatTests {
    @Test func forkDecidesTheBaseFeeField() throws {
        let config = ChainConfig(chainID: 5, homesteadBlock: 0, berlinBlock: 0, londonBlock: 10)
        #expect(throws: HeaderFormatError.unexpectedBaseFee(block: 9)) {
            try config.checkFormat(of: Header(number: 9, baseFeePerGas: 7))
        }
        #expect(throws: HeaderFormatError.missingBaseFee(block: 10)) { try config.checkFormat(of: Header(number: 10)) }
        try config.checkFormat(of: Header(number: 9))
        try config.checkFormat(of: Header(number: 10, baseFeePerGas: 7))
        #expect(throws: HeaderFormatError.unexpectedField("withdrawalsRoot", block: 11)) {
            try config.checkFormat(of: Header(number: 11, baseFeePerGas: 7, withdrawalsRoot: .emptyTrieRoot))
        }
        #expect(config.fork(atBlock: 9, timestamp: 0) == .berlin)
        #expect(config.fork(atBlock: 10, timestamp: 0) == .london)
    }
}
