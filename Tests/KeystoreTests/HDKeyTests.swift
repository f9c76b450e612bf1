import Keystore
import Primitives
import Testing

/// Decodes Base58 (Bitcoin alphabet) without checking the 4-byte checksum, for
/// reading the serialised keys of the BIP-32 test vectors. Test-only.
private func base58Decode(_ text: String) -> [UInt8]? {
    let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
    var bytes: [UInt8] = []  // little-endian big number
    for character in text {
        guard var carry = alphabet.firstIndex(of: character) else { return nil }
        for i in bytes.indices {
            carry += Int(bytes[i]) * 58
            bytes[i] = UInt8(carry & 0xff)
            carry >>= 8
        }
        while carry > 0 { bytes.append(UInt8(carry & 0xff)); carry >>= 8 }
    }
    let zeros = text.prefix { $0 == "1" }.count
    return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
}

/// The fields of a serialised extended key (BIP-32 "Serialization format").
private struct SerializedKey {
    let version: [UInt8], depth: UInt8, childNumber: UInt32, chainCode: [UInt8], keyData: [UInt8]

    init?(_ text: String) {
        guard let raw = base58Decode(text), raw.count == 82 else { return nil }  // 78 + checksum
        version = Array(raw[0..<4])
        depth = raw[4]
        childNumber = raw[9..<13].reduce(0) { $0 << 8 | UInt32($1) }
        chainCode = Array(raw[13..<45])
        keyData = Array(raw[45..<78])
    }
}

/// One row of a BIP-32 test vector: path, ext pub, ext prv (verbatim from BIP-32).
struct BIP32Case: Sendable, CustomStringConvertible {
    let seed: String, path: String, xpub: String, xprv: String
    var description: String { "\(seed.prefix(8))… \(path)" }
}

private let seed1 = "000102030405060708090a0b0c0d0e0f"
private let seed2 = "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542"

/// BIP-32 test vectors 1 and 2.
let bip32Vectors: [BIP32Case] = [
    BIP32Case(seed: seed1, path: "m",
              xpub: "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
              xprv: "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"),
    BIP32Case(seed: seed1, path: "m/0'",
              xpub: "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
              xprv: "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7"),
    BIP32Case(seed: seed1, path: "m/0'/1",
              xpub: "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
              xprv: "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"),
    BIP32Case(seed: seed1, path: "m/0'/1/2'",
              xpub: "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
              xprv: "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM"),
    BIP32Case(seed: seed1, path: "m/0'/1/2'/2",
              xpub: "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
              xprv: "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334"),
    BIP32Case(seed: seed1, path: "m/0'/1/2'/2/1000000000",
              xpub: "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
              xprv: "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76"),
    BIP32Case(seed: seed2, path: "m",
              xpub: "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB",
              xprv: "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U"),
    BIP32Case(seed: seed2, path: "m/0",
              xpub: "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH",
              xprv: "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt"),
    BIP32Case(seed: seed2, path: "m/0/2147483647'",
              xpub: "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
              xprv: "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9"),
    BIP32Case(seed: seed2, path: "m/0/2147483647'/1",
              xpub: "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon",
              xprv: "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef"),
    BIP32Case(seed: seed2, path: "m/0/2147483647'/1/2147483646'",
              xpub: "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL",
              xprv: "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc"),
    BIP32Case(seed: seed2, path: "m/0/2147483647'/1/2147483646'/2",
              xpub: "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt",
              xprv: "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j"),
]

/// BIP-39 English vectors (entropy, mnemonic, seed with passphrase "TREZOR", master xprv),
/// from the reference implementation's vectors.json that BIP-39 points to.
let bip39Vectors: [(entropy: String, mnemonic: String, seed: String, xprv: String)] = [
    ("00000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
     "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
     "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF"),
    ("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow",
     "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607",
     "xprv9s21ZrQH143K2gA81bYFHqU68xz1cX2APaSq5tt6MFSLeXnCKV1RVUJt9FWNTbrrryem4ZckN8k4Ls1H6nwdvDTvnV7zEXs2HgPezuVccsq"),
    ("80808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
     "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8",
     "xprv9s21ZrQH143K2shfP28KM3nr5Ap1SXjz8gc2rAqqMEynmjt6o1qboCDpxckqXavCwdnYds6yBHZGKHv7ef2eTXy461PXUjBFQg6PrwY4Gzq"),
    ("ffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
     "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069",
     "xprv9s21ZrQH143K2V4oox4M8Zmhi2Fjx5XK4Lf7GKRvPSgydU3mjZuKGCTg7UPiBUD7ydVPvSLtg9hjp7MQTYsW67rZHAXeccqYqrsx8LcXnyd"),
    ("000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon agent",
     "035895f2f481b1b0f01fcf8c289c794660b289981a78f8106447707fdd9666ca06da5a9a565181599b79f53b844d8a71dd9f439c52a3d7b3e8a79c906ac845fa",
     "xprv9s21ZrQH143K3mEDrypcZ2usWqFgzKB6jBBx9B6GfC7fu26X6hPRzVjzkqkPvDqp6g5eypdk6cyhGnBngbjeHTe4LsuLG1cCmKJka5SMkmU"),
    ("0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
     "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8",
     "xprv9s21ZrQH143K32qBagUJAMU2LsHg3ka7jqMcV98Y7gVeVyNStwYS3U7yVVoDZ4btbRNf4h6ibWpY22iRmXq35qgLs79f312g2kj5539ebPM"),
    ("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
     "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad",
     "xprv9s21ZrQH143K2WFF16X85T2QCpndrGwx6GueB72Zf3AHwHJaknRXNF37ZmDrtHrrLSHvbuRejXcnYxoZKvRquTPyp2JiNG3XcjQyzSEgqCB"),
    ("9e885d952ad362caeb4efe34a8e91bd2",
     "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
     "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028",
     "xprv9s21ZrQH143K2oZ9stBYpoaZ2ktHj7jLz7iMqpgg1En8kKFTXJHsjxry1JbKH19YrDTicVwKPehFKTbmaxgVEc5TpHdS1aYhB2s9aFJBeJH"),
    ("68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
     "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
     "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440",
     "xprv9s21ZrQH143K2XTAhys3pMNcGn261Fi5Ta2Pw8PwaVPhg3D8DWkzWQwjTJfskj8ofb81i9NP2cUNKxwjueJHHMQAnxtivTA75uUFqPFeWzk"),
]

/// The anvil / Hardhat accounts: `test … junk` at m/44'/60'/0'/0/i (genesis/README.md).
let anvilAccounts: [(index: UInt32, address: String, key: String)] = [
    (0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    (1, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
    (2, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
    (3, "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"),
    (4, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"),
    (5, "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
    (6, "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"),
    (7, "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"),
    (8, "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"),
    (9, "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"),
]

@Suite("BIP-32 derivation")
struct BIP32Tests {
    @Test("official test vectors 1 and 2", arguments: bip32Vectors)
    func vector(_ v: BIP32Case) throws {
        let master = try ExtendedPrivateKey(seed: try Hex.decode(v.seed))
        let node = try master.derive(try DerivationPath(v.path))
        let prv = try #require(SerializedKey(v.xprv))
        let pub = try #require(SerializedKey(v.xpub))
        #expect(prv.version == [0x04, 0x88, 0xad, 0xe4])
        #expect(prv.keyData == [0] + node.privateKey.rawRepresentation)
        #expect(prv.chainCode == node.chainCode)
        #expect(prv.depth == node.depth)
        #expect(prv.childNumber == node.childNumber)
        #expect(pub.keyData == node.publicKey.compressed)
        #expect(pub.chainCode == node.chainCode)
    }

    @Test("deriving step by step equals deriving the whole path")
    func stepwise() throws {
        let master = try ExtendedPrivateKey(seed: try Hex.decode(seed1))
        let step = try master.child(0 | DerivationPath.hardenedOffset).child(1).child(2 | DerivationPath.hardenedOffset)
        let whole = try master.derive(try DerivationPath("m/0h/1/2H"))
        #expect(step.privateKey.rawRepresentation == whole.privateKey.rawRepresentation)
        #expect(step.chainCode == whole.chainCode)
    }

    @Test("seed length is 16 to 64 bytes")
    func seedLength() {
        #expect(throws: KeystoreError.invalidSeedLength(15)) { try ExtendedPrivateKey(seed: [UInt8](repeating: 1, count: 15)) }
        #expect(throws: KeystoreError.invalidSeedLength(65)) { try ExtendedPrivateKey(seed: [UInt8](repeating: 1, count: 65)) }
    }

    @Test("descriptions never show the key or chain code")
    func description() throws {
        let node = try ExtendedPrivateKey(seed: try Hex.decode(seed1)).derive(try DerivationPath("m/0'/1"))
        #expect(!node.description.contains(Hex.encode(node.privateKey.rawRepresentation, prefix: false)))
        #expect(!node.description.contains(Hex.encode(node.chainCode, prefix: false)))
        #expect(node.description.contains("child: 1"))
    }
}

@Suite("Derivation paths")
struct DerivationPathTests {
    @Test("parses and prints")
    func parse() throws {
        let h = DerivationPath.hardenedOffset
        #expect(try DerivationPath("m").components == [])
        #expect(try DerivationPath("m/44'/60'/0'/0/5").components == [44 | h, 60 | h, 0 | h, 0, 5])
        #expect(try DerivationPath("m/44h/60H/0'/0/5") == DerivationPath("m/44'/60'/0'/0/5"))
        #expect(try DerivationPath("m/2147483647'").components == [UInt32.max])
        #expect(try DerivationPath("m/44'/60'/0'/0/5").description == "m/44'/60'/0'/0/5")
        #expect(DerivationPath.ethereum(index: 5) == (try DerivationPath("m/44'/60'/0'/0/5")))
        #expect(DerivationPath.ethereum(account: 2, index: 0).description == "m/44'/60'/2'/0/0")
    }

    @Test("refuses malformed paths", arguments: [
        "", "M/0", "/0", "m/", "m//1", "m/1/", "m/-1", "m/+1", "m/1''", "m/'", "m/ 1", "m/1 ",
        "m/2147483648", "m/4294967295", "m/99999999999999999999", "m/0x10", "m/1a", "44'/60'",
    ])
    func malformed(_ text: String) {
        #expect(throws: KeystoreError.self) { try DerivationPath(text) }
    }

    @Test("refuses more than 255 levels")
    func tooDeep() throws {
        let deep = "m" + String(repeating: "/0", count: 256)
        #expect(throws: KeystoreError.self) { try DerivationPath(deep) }
        #expect(try DerivationPath("m" + String(repeating: "/0", count: 255)).components.count == 255)
    }
}

@Suite("BIP-39 mnemonics")
struct BIP39Tests {
    @Test("reference vectors: entropy ⇄ words, seed with passphrase TREZOR, master key",
          arguments: bip39Vectors.indices)
    func vector(_ i: Int) throws {
        let v = bip39Vectors[i]
        let fromEntropy = try Mnemonic(entropy: try Hex.decode(v.entropy))
        #expect(fromEntropy.phrase == v.mnemonic)
        let parsed = try Mnemonic(phrase: v.mnemonic)
        #expect(parsed == fromEntropy)
        let seed = try parsed.seed(passphrase: "TREZOR")
        #expect(Hex.encode(seed, prefix: false) == v.seed)
        let master = try ExtendedPrivateKey(seed: seed)
        let prv = try #require(SerializedKey(v.xprv))
        #expect(prv.keyData == [0] + master.privateKey.rawRepresentation)
        #expect(prv.chainCode == master.chainCode)
    }

    @Test("the word list is the official one")
    func wordList() throws {
        #expect(try Mnemonic(entropy: [UInt8](repeating: 0, count: 16)).words.first == "abandon")
        #expect(try Mnemonic(entropy: [UInt8](repeating: 0xff, count: 16)).words.first == "zoo")
        // Every 11-bit value (as the first word) maps to a word that maps back.
        for start in 0..<2048 {
            var bits = [UInt8](repeating: 0, count: 16)
            bits[0] = UInt8(start >> 3)
            bits[1] = UInt8((start & 7) << 5)
            let words = try Mnemonic(entropy: bits).words
            #expect(try Mnemonic(entropy: bits) == (try Mnemonic(phrase: words.joined(separator: " "))))
        }
    }

    @Test("refuses bad phrases")
    func refusals() throws {
        let good = "legal winner thank year wave sausage worth useful legal winner thank yellow"
        #expect(throws: KeystoreError.invalidMnemonicChecksum) {
            try Mnemonic(phrase: good.replacingOccurrences(of: "yellow", with: "year"))
        }
        #expect(throws: KeystoreError.unknownMnemonicWord(position: 2)) {
            try Mnemonic(phrase: good.replacingOccurrences(of: "thank", with: "thanks"))
        }
        #expect(throws: KeystoreError.unknownMnemonicWord(position: 0)) { try Mnemonic(phrase: good.uppercased()) }
        #expect(throws: KeystoreError.invalidMnemonicWordCount(11)) {
            try Mnemonic(phrase: good.split(separator: " ").dropLast().joined(separator: " "))
        }
        #expect(throws: KeystoreError.invalidMnemonicWordCount(0)) { try Mnemonic(phrase: "  ") }
        #expect(throws: KeystoreError.invalidEntropyLength(15)) { try Mnemonic(entropy: [UInt8](repeating: 0, count: 15)) }
        // Extra whitespace is not part of the words.
        #expect(try Mnemonic(phrase: "  " + good.replacingOccurrences(of: " ", with: " \n\t") + " ").phrase == good)
    }

    @Test("generated mnemonics are valid and never printed")
    func generate() throws {
        for count in Mnemonic.validWordCounts {
            let m = try Mnemonic.generate(wordCount: count)
            #expect(m.words.count == count)
            #expect(try Mnemonic(phrase: m.phrase) == m)
            #expect(m.description == "Mnemonic(\(count) words)")
        }
        #expect(throws: KeystoreError.invalidMnemonicWordCount(13)) { try Mnemonic.generate(wordCount: 13) }
    }

    @Test("unchecked seeds accept any phrase and NFKD-normalise both strings")
    func uncheckedSeed() throws {
        // Composed and decomposed forms give one seed.
        let a = try Mnemonic.seedUnchecked(phrase: "caf\u{e9}", passphrase: "\u{e9}")
        let b = try Mnemonic.seedUnchecked(phrase: "cafe\u{301}", passphrase: "e\u{301}")
        #expect(a == b)
        #expect(a.count == 64)
        let v = bip39Vectors[0]
        #expect(Hex.encode(try Mnemonic.seedUnchecked(phrase: v.mnemonic, passphrase: "TREZOR"), prefix: false) == v.seed)
    }

    @Test("anvil / Hardhat accounts 0–9 from `test … junk` at m/44'/60'/0'/0/i", arguments: anvilAccounts.indices)
    func anvil(_ i: Int) throws {
        let account = anvilAccounts[i]
        let mnemonic = try Mnemonic(phrase: "test test test test test test test test test test test junk")
        let master = try ExtendedPrivateKey(seed: try mnemonic.seed())
        let key = try master.derive(.ethereum(index: account.index)).privateKey
        #expect(key.address.checksummed == account.address)
        #expect(Hex.encode(key.rawRepresentation, prefix: false) == account.key)
        #expect(try master.derive(try DerivationPath("m/44'/60'/0'/0/\(account.index)")).privateKey.address == key.address)
    }
}
