import Testing
import Primitives
import ChainTypes
@testable import P2P

/// EIP-2124 fork ids (and EIP-6122's time-based forks): computation, validation, encoding.
@Suite struct ForkIDTests {
    /// Mainnet's genesis hash (spec data: EIP-2124 "Test Cases" use `params.MainnetGenesisHash`).
    static let mainnetGenesis = try! Hash32(hex: "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3")

    /// Mainnet up to Petersburg, the fork cap of EIP-2124's test cases.
    static let mainnetPetersburg = ChainConfig(
        chainID: 1, homesteadBlock: 1_150_000, daoForkBlock: 1_920_000, daoForkSupport: true,
        eip150Block: 2_463_000, eip155Block: 2_675_000, eip158Block: 2_675_000, byzantiumBlock: 4_370_000,
        constantinopleBlock: 7_280_000, petersburgBlock: 7_280_000)

    /// EIP-6122's "withdrawals" config: mainnet through Gray Glacier, a merge netsplit at
    /// 18,000,000 and Shanghai at time 1,668,000,000.
    static let mainnetWithdrawals: ChainConfig = {
        var c = mainnetPetersburg
        c.istanbulBlock = 9_069_000; c.muirGlacierBlock = 9_200_000; c.berlinBlock = 12_244_000
        c.londonBlock = 12_965_000; c.arrowGlacierBlock = 13_773_000; c.grayGlacierBlock = 15_050_000
        c.mergeNetsplitBlock = 18_000_000; c.shanghaiTime = 1_668_000_000
        return c
    }()

    static let petersburg = ForkSchedule(config: mainnetPetersburg, genesisHash: mainnetGenesis, genesisTime: 0)
    static let withdrawals = ForkSchedule(config: mainnetWithdrawals, genesisHash: mainnetGenesis, genesisTime: 0)

    /// EIP-2124, "Test Cases", mainnet: (head, hash, next).
    static let eip2124Mainnet: [(UInt64, UInt32, UInt64)] = [
        (0, 0xfc64ec04, 1_150_000),        // Unsynced
        (1_149_999, 0xfc64ec04, 1_150_000), // Last Frontier block
        (1_150_000, 0x97c2c34c, 1_920_000), // First Homestead block
        (1_919_999, 0x97c2c34c, 1_920_000), // Last Homestead block
        (1_920_000, 0x91d1f948, 2_463_000), // First DAO block
        (2_462_999, 0x91d1f948, 2_463_000), // Last DAO block
        (2_463_000, 0x7a64da13, 2_675_000), // First Tangerine block
        (2_674_999, 0x7a64da13, 2_675_000), // Last Tangerine block
        (2_675_000, 0x3edd5b10, 4_370_000), // First Spurious block
        (4_369_999, 0x3edd5b10, 4_370_000), // Last Spurious block
        (4_370_000, 0xa00bc324, 7_280_000), // First Byzantium block
        (7_279_999, 0xa00bc324, 7_280_000), // Last Byzantium block
        (7_280_000, 0x668db0af, 0),         // First and last Constantinople, first Petersburg block
        (7_987_396, 0x668db0af, 0),         // Today Petersburg block
    ]

    @Test func eip2124MainnetIDs() {
        for (head, hash, next) in Self.eip2124Mainnet {
            #expect(Self.petersburg.forkID(headNumber: head, headTime: 0) == ForkID(hash: hash, next: next), "head \(head)")
        }
    }

    /// EIP-6122, "Test Cases": (head, time, hash, next).
    static let eip6122Withdrawals: [(UInt64, UInt64, UInt32, UInt64)] = [
        (0, 0, 0xfc64ec04, 1_150_000),
        (7_280_000, 0, 0x668db0af, 9_069_000),
        (9_068_999, 0, 0x668db0af, 9_069_000),
        (9_069_000, 0, 0x879d6e30, 9_200_000),
        (9_200_000, 0, 0xe029e991, 12_244_000),
        (12_244_000, 0, 0x0eb440f6, 12_965_000),
        (12_965_000, 0, 0xb715077d, 13_773_000),
        (13_773_000, 0, 0x20c327fc, 15_050_000),
        (15_050_000, 0, 0xf0afd0e3, 18_000_000),
        (18_000_000, 0, 0x4fb8a872, 1_668_000_000),
        (20_000_000, 0, 0x4fb8a872, 1_668_000_000),
        (20_000_000, 1_668_000_000, 0xc1fdf181, 0),
        (20_000_000, 2_668_000_000, 0xc1fdf181, 0),
    ]

    @Test func eip6122TimeBasedIDs() {
        for (head, time, hash, next) in Self.eip6122Withdrawals {
            #expect(Self.withdrawals.forkID(headNumber: head, headTime: time) == ForkID(hash: hash, next: next),
                    "head \(head) time \(time)")
        }
    }

    /// EIP-2124, "Test Cases", the validation table for a mainnet node: (head, remote, result).
    static let eip2124Validation: [(UInt64, ForkID, ForkIDValidation)] = [
        (7_987_396, ForkID(hash: 0x668db0af, next: 0), .compatible),
        (7_987_396, ForkID(hash: 0x668db0af, next: .max), .compatible),
        (7_279_999, ForkID(hash: 0xa00bc324, next: 0), .compatible),
        (7_279_999, ForkID(hash: 0xa00bc324, next: 7_280_000), .compatible),
        (7_279_999, ForkID(hash: 0xa00bc324, next: .max), .compatible),
        (7_987_396, ForkID(hash: 0xa00bc324, next: 7_280_000), .compatible),
        (7_987_396, ForkID(hash: 0x3edd5b10, next: 4_370_000), .compatible),
        (7_279_999, ForkID(hash: 0x668db0af, next: 0), .compatible),
        (4_369_999, ForkID(hash: 0xa00bc324, next: 0), .compatible),
        (7_987_396, ForkID(hash: 0xa00bc324, next: 0), .remoteStale),
        (7_987_396, ForkID(hash: 0x5cddc0e1, next: 0), .localIncompatibleOrStale),
        (7_279_999, ForkID(hash: 0x5cddc0e1, next: 0), .localIncompatibleOrStale),
        (7_987_396, ForkID(hash: 0xafec6b27, next: 0), .localIncompatibleOrStale),
    ]

    @Test func eip2124Validation() {
        for (head, remote, expected) in Self.eip2124Validation {
            #expect(Self.petersburg.validate(remote, headNumber: head, headTime: 0) == expected, "head \(head) \(remote)")
        }
    }

    /// EIP-6122, "Test Cases", validation with time-based forks: (head, time, remote, result).
    static let eip6122Validation: [(UInt64, UInt64, ForkID, ForkIDValidation)] = [
        (20_000_000, 1_668_000_001, ForkID(hash: 0xc1fdf181, next: 0), .compatible),
        (20_000_000, 1_668_000_001, ForkID(hash: 0xc1fdf181, next: .max), .compatible),
        (7_279_999, 1_667_999_999, ForkID(hash: 0xa00bc324, next: 0), .compatible),
        (7_279_999, 1_667_999_999, ForkID(hash: 0xa00bc324, next: 7_280_000), .compatible),
        (7_279_999, 1_667_999_999, ForkID(hash: 0xa00bc324, next: .max), .compatible),
        (20_000_000, 1_668_000_000, ForkID(hash: 0xa00bc324, next: 7_280_000), .compatible),
        (20_000_000, 1_668_000_001, ForkID(hash: 0xa00bc324, next: 7_280_000), .compatible),
        (20_000_000, 1_668_000_001, ForkID(hash: 0x3edd5b10, next: 4_370_000), .compatible),
        (7_279_999, 1_667_999_999, ForkID(hash: 0x668db0af, next: 0), .compatible),
        (4_369_999, 1_667_999_999, ForkID(hash: 0xa00bc324, next: 0), .compatible),
        (20_000_000, 1_668_000_001, ForkID(hash: 0xa00bc324, next: 0), .remoteStale),
        (20_000_000, 1_668_000_001, ForkID(hash: 0x5cddc0e1, next: 0), .localIncompatibleOrStale),
        (20_000_000, 1_668_000_001, ForkID(hash: 0xafec6b27, next: 0), .localIncompatibleOrStale),
        (88_888_888, 1_668_000_001, ForkID(hash: 0xf0afd0e3, next: 88_888_888), .remoteStale),
        (20_000_000, 1_668_000_001, ForkID(hash: 0xa00bc324, next: 7_279_999), .remoteStale),
    ]

    @Test func eip6122Validation() {
        for (head, time, remote, expected) in Self.eip6122Validation {
            #expect(Self.withdrawals.validate(remote, headNumber: head, headTime: time) == expected,
                    "head \(head) time \(time) \(remote)")
        }
    }

    @Test func rule1aRejectsAPassedRemoteFork() {
        // Same hash, but the peer's next fork (block 7,000,000) is behind our head.
        #expect(Self.petersburg.validate(ForkID(hash: 0x668db0af, next: 7_900_000), headNumber: 7_987_396, headTime: 0)
                == .localIncompatibleOrStale)
        #expect(Self.petersburg.validate(ForkID(hash: 0x668db0af, next: 8_000_000), headNumber: 7_987_396, headTime: 0)
                == .compatible)
    }

    /// EIP-2124, "Test Cases", RLP encoding.
    @Test func eip2124Encoding() throws {
        let cases: [(ForkID, String)] = [
            (ForkID(hash: 0, next: 0), "c6840000000080"),
            (ForkID(hash: 0xdeadbeef, next: 0xBADDCAFE), "ca84deadbeef84baddcafe"),
            (ForkID(hash: .max, next: .max), "ce84ffffffff88ffffffffffffffff"),
        ]
        for (id, hex) in cases {
            #expect(Hex.encode(id.rlpEncoded, prefix: false) == hex)
            #expect(try ForkID(rlp: Hex.decode(hex)) == id)
        }
    }

    @Test func hostileEncodings() {
        for hex in ["c58300000080", "c7850000000000", "c6840000000000", "c784000000008001", "84deadbeef",
                    "c884deadbeefc180", "c684000000", ""] {
            #expect(throws: MessageError.self, "\(hex)") { try ForkID(rlp: Hex.decode(hex)) }
        }
    }

    @Test func cliqueChainWithAllForksAtGenesis() {
        let genesis = Keccak256.hash(Array("cloister clique genesis".utf8))
        var config = ChainConfig(chainID: 1337, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                                 byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                                 berlinBlock: 0, londonBlock: 0, clique: CliqueConfig(period: 1, epoch: 30_000))
        let crc = CRC32.checksum(genesis.bytes)
        var schedule = ForkSchedule(config: config, genesisHash: genesis, genesisTime: 1_700_000_000)
        #expect(schedule.forkID(headNumber: 0, headTime: 1_700_000_000) == ForkID(hash: crc, next: 0))
        #expect(schedule.forkID(headNumber: 1_000_000, headTime: 1_800_000_000) == ForkID(hash: crc, next: 0))

        // Shanghai at the genesis time is part of the genesis ruleset, not a fork.
        config.shanghaiTime = 1_700_000_000
        schedule = ForkSchedule(config: config, genesisHash: genesis, genesisTime: 1_700_000_000)
        #expect(schedule.timeForks.isEmpty)
        #expect(schedule.forkID(headNumber: 5, headTime: 1_700_000_005) == ForkID(hash: crc, next: 0))

        // Shanghai later is the first fork.
        config.shanghaiTime = 1_700_000_600
        schedule = ForkSchedule(config: config, genesisHash: genesis, genesisTime: 1_700_000_000)
        #expect(schedule.forkID(headNumber: 5, headTime: 1_700_000_005) == ForkID(hash: crc, next: 1_700_000_600))
        let after = schedule.forkID(headNumber: 700, headTime: 1_700_000_700)
        #expect(after == ForkID(hash: CRC32.update(crc, fork: 1_700_000_600), next: 0))
        #expect(schedule.validate(after, headNumber: 5, headTime: 1_700_000_005) == .compatible)
        #expect(schedule.validate(ForkID(hash: crc, next: 0), headNumber: 700, headTime: 1_700_000_700) == .remoteStale)
    }

    @Test func crc32KnownAnswer() {
        // The CRC-32/ISO-HDLC check value of "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Self.mainnetGenesis.bytes) == 0xfc64ec04)
    }
}
