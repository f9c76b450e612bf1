import Foundation
import Keystore
import Primitives
import Testing

/// Cheap scrypt parameters for round trips (the format's cost is not under test).
private let fastScrypt = KeyDerivation.scrypt(n: 1024, r: 8, p: 1)
private let fastPBKDF2 = KeyDerivation.pbkdf2(c: 1000)

private func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func data(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}

/// A fast, valid key file to take apart.
private func sampleFile(kdf: KeyDerivation = fastScrypt) throws -> (key: Secp256k1.PrivateKey, object: [String: Any]) {
    let key = Secp256k1.PrivateKey()
    return (key, try jsonObject(Web3SecretStorage.encrypt(key, password: "pw", kdf: kdf)))
}

/// `object` with `value` set (or removed, when nil) at a dotted path.
private func setting(_ object: [String: Any], _ path: String, to value: Any?) -> [String: Any] {
    var parts = path.split(separator: ".").map(String.init)
    var copy = object
    let head = parts.removeFirst()
    if parts.isEmpty {
        copy[head] = value
    } else {
        copy[head] = setting(copy[head] as? [String: Any] ?? [:], parts.joined(separator: "."), to: value)
    }
    return copy
}

@Suite("Web3 Secret Storage v3")
struct KeyFileTests {
    // MARK: Round trips

    @Test("round trip and file layout", arguments: [fastScrypt, fastPBKDF2])
    func roundTrip(kdf: KeyDerivation) throws {
        let key = Secp256k1.PrivateKey()
        let json = try Web3SecretStorage.encrypt(key, password: "correct horse", kdf: kdf)
        let object = try jsonObject(json)

        #expect(object["version"] as? Int == 3)
        #expect(Set(object.keys) == ["address", "crypto", "id", "version"])
        let address = try #require(object["address"] as? String)
        #expect(address == Hex.encode(key.address.bytes, prefix: false))
        #expect(address == address.lowercased() && !address.hasPrefix("0x"))

        // UUID version 4: xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lowercase.
        let id = try #require(object["id"] as? String)
        let groups = id.split(separator: "-").map(String.init)
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(groups[2].first == "4")
        #expect("89ab".contains(groups[3].first ?? "x"))
        #expect(id == id.lowercased())

        let crypto = try #require(object["crypto"] as? [String: Any])
        #expect(crypto["cipher"] as? String == "aes-128-ctr")
        let iv = try #require((crypto["cipherparams"] as? [String: Any])?["iv"] as? String)
        #expect(try Hex.decode(iv).count == 16)
        #expect(try Hex.decode(try #require(crypto["ciphertext"] as? String)).count == 32)
        #expect(try Hex.decode(try #require(crypto["mac"] as? String)).count == 32)
        let params = try #require(crypto["kdfparams"] as? [String: Any])
        #expect(params["dklen"] as? Int == 32)
        #expect(try Hex.decode(try #require(params["salt"] as? String)).count == 32)
        switch kdf {
        case .scrypt(let n, let r, let p):
            #expect(crypto["kdf"] as? String == "scrypt")
            #expect(Set(params.keys) == ["dklen", "n", "r", "p", "salt"])
            #expect(params["n"] as? Int == n && params["r"] as? Int == r && params["p"] as? Int == p)
        case .pbkdf2(let c):
            #expect(crypto["kdf"] as? String == "pbkdf2")
            #expect(Set(params.keys) == ["c", "dklen", "prf", "salt"])
            #expect(params["c"] as? Int == c && params["prf"] as? String == "hmac-sha256")
        }

        let parsed = try EncryptedKey(json: json)
        #expect(parsed.address == key.address)
        #expect(parsed.id == id)
        #expect(parsed.kdf == kdf)
        let opened = try Web3SecretStorage.decrypt(json, password: "correct horse")
        #expect(opened.rawRepresentation == key.rawRepresentation)
        // Re-serialising a parsed file keeps every field.
        #expect(try EncryptedKey(json: parsed.json) == parsed)
    }

    @Test("two encryptions of one key differ (fresh salt, IV and id)")
    func freshRandomness() throws {
        let key = Secp256k1.PrivateKey()
        let a = try EncryptedKey(encrypting: key, password: "pw", kdf: fastScrypt)
        let b = try EncryptedKey(encrypting: key, password: "pw", kdf: fastScrypt)
        #expect(a != b)
        #expect(a.id != b.id)
    }

    @Test("empty and non-ASCII passwords are their UTF-8 bytes")
    func passwords() throws {
        let key = Secp256k1.PrivateKey()
        for password in ["", "pässwörd ✓", "e\u{301}"] {
            let json = try Web3SecretStorage.encrypt(key, password: password, kdf: fastScrypt)
            #expect(try Web3SecretStorage.decrypt(json, password: password).address == key.address)
        }
        // No Unicode normalisation: "é" precomposed is another password than "e" + U+0301.
        let json = try Web3SecretStorage.encrypt(key, password: "\u{e9}", kdf: fastScrypt)
        #expect(throws: KeystoreError.wrongPassword) { try Web3SecretStorage.decrypt(json, password: "e\u{301}") }
    }

    @Test("r = 1 works while n < 2^16; larger n with r = 1 is reported unsupported")
    func scryptSmallBlockSize() throws {
        let key = Secp256k1.PrivateKey()
        let json = try Web3SecretStorage.encrypt(key, password: "pw", kdf: .scrypt(n: 1 << 15, r: 1, p: 1))
        #expect(try Web3SecretStorage.decrypt(json, password: "pw").address == key.address)
        #expect(throws: KeystoreError.scryptParametersUnsupported(n: 1 << 16, r: 1, p: 1)) {
            try EncryptedKey(encrypting: key, password: "pw", kdf: .scrypt(n: 1 << 16, r: 1, p: 1))
        }
        #expect(throws: KeystoreError.scryptParametersUnsupported(n: 1024, r: 32, p: 1)) {
            try EncryptedKey(encrypting: key, password: "pw", kdf: .scrypt(n: 1024, r: 32, p: 1))
        }
        // r > 16 is computable when p > 1.
        let wide = try Web3SecretStorage.encrypt(key, password: "pw", kdf: .scrypt(n: 64, r: 32, p: 2))
        #expect(try Web3SecretStorage.decrypt(wide, password: "pw").address == key.address)
    }

    // MARK: Files written elsewhere

    @Test("decrypts fixed key files", arguments: [
        KeyFileFixtures.ethAccountScrypt, KeyFileFixtures.ethAccountPBKDF2,
        KeyFileFixtures.specPBKDF2, KeyFileFixtures.shortKey,
    ])
    func fixtures(_ fixture: KeyFileFixture) throws {
        let key = try Web3SecretStorage.decrypt(Data(fixture.json.utf8), password: fixture.password)
        #expect(Hex.encode(key.rawRepresentation, prefix: false) == fixture.key)
        #expect(key.address.checksummed == fixture.address)
    }

    @Test("the definition's scrypt example (r = 1, n = 2^18) is refused as unsupported")
    func specScryptExample() throws {
        let fixture = KeyFileFixtures.specScrypt
        #expect(throws: KeystoreError.scryptParametersUnsupported(n: 262_144, r: 1, p: 8)) {
            try EncryptedKey(json: Data(fixture.json.utf8))
        }
    }

    @Test("accepts the capitalised \"Crypto\" key of older geth files")
    func capitalisedCrypto() throws {
        var (key, object) = try sampleFile()
        object["Crypto"] = object.removeValue(forKey: "crypto")
        #expect(try Web3SecretStorage.decrypt(try data(object), password: "pw").address == key.address)
    }

    @Test("address is optional and may carry 0x or mixed case")
    func addressForms() throws {
        let (key, object) = try sampleFile()
        let hex = Hex.encode(key.address.bytes, prefix: false)
        for value: String? in [nil, "0x" + hex, key.address.checksummed, hex.uppercased()] {
            let file = try EncryptedKey(json: try data(setting(object, "address", to: value)))
            #expect(file.address == (value == nil ? nil : key.address))
            #expect(try file.decrypt(password: "pw").address == key.address)
        }
    }

    // MARK: Refusals

    @Test("wrong password gives geth's error")
    func wrongPassword() throws {
        let (_, object) = try sampleFile()
        let error = #expect(throws: KeystoreError.wrongPassword) {
            try Web3SecretStorage.decrypt(try data(object), password: "pW")
        }
        #expect(error?.description == "could not decrypt key with given password")
    }

    @Test("a changed MAC, ciphertext or salt byte is caught", arguments: ["crypto.mac", "crypto.ciphertext", "crypto.kdfparams.salt"])
    func tampered(field: String) throws {
        let (_, object) = try sampleFile()
        var parts = field.split(separator: ".").map(String.init)
        var node: Any = object
        while !parts.isEmpty { node = (node as? [String: Any])?[parts.removeFirst()] as Any }
        var bytes = try Hex.decode(try #require(node as? String))
        bytes[bytes.count / 2] ^= 0x01
        let altered = setting(object, field, to: Hex.encode(bytes, prefix: false))
        #expect(throws: KeystoreError.wrongPassword) { try Web3SecretStorage.decrypt(try data(altered), password: "pw") }
    }

    @Test("an IV change decrypts to another key, which the address check catches")
    func tamperedIV() throws {
        let (key, object) = try sampleFile()
        let crypto = try #require(object["crypto"] as? [String: Any])
        var iv = try Hex.decode(try #require((crypto["cipherparams"] as? [String: Any])?["iv"] as? String))
        iv[0] ^= 0x80
        let altered = setting(object, "crypto.cipherparams.iv", to: Hex.encode(iv, prefix: false))
        // The MAC does not cover the IV (the format's design), so the address field is the check.
        let error = #expect(throws: KeystoreError.self) { try Web3SecretStorage.decrypt(try data(altered), password: "pw") }
        if case .addressMismatch(_, let expected)? = error { #expect(expected == key.address) } else {
            #expect(error == .invalidPrivateKey)
        }
    }

    @Test("an address field naming another account is refused")
    func addressMismatch() throws {
        let (key, object) = try sampleFile()
        let other = Secp256k1.PrivateKey().address
        let altered = setting(object, "address", to: Hex.encode(other.bytes, prefix: false))
        #expect(throws: KeystoreError.addressMismatch(got: key.address, expected: other)) {
            try Web3SecretStorage.decrypt(try data(altered), password: "pw")
        }
    }

    @Test("not JSON, or not an object")
    func notJSON() {
        for text in ["", "{", "not json", "[1, 2]", "\"text\"", "null"] {
            #expect(throws: KeystoreError.invalidJSON) { try EncryptedKey(json: Data(text.utf8)) }
        }
    }

    /// (what to change, new value or nil to remove, the error)
    static let malformed: [(String, String?, KeystoreError)] = [
        ("version", nil, .missingField("version")),
        ("crypto", nil, .missingField("crypto")),
        ("crypto.cipher", nil, .missingField("crypto.cipher")),
        ("crypto.cipherparams", nil, .missingField("crypto.cipherparams")),
        ("crypto.cipherparams.iv", nil, .missingField("crypto.cipherparams.iv")),
        ("crypto.ciphertext", nil, .missingField("crypto.ciphertext")),
        ("crypto.mac", nil, .missingField("crypto.mac")),
        ("crypto.kdf", nil, .missingField("crypto.kdf")),
        ("crypto.kdfparams", nil, .missingField("crypto.kdfparams")),
        ("crypto.kdfparams.salt", nil, .missingField("crypto.kdfparams.salt")),
        ("crypto.kdfparams.n", nil, .missingField("crypto.kdfparams.n")),
        ("crypto.kdfparams.dklen", nil, .missingField("crypto.kdfparams.dklen")),
        ("crypto.cipherparams.iv", "zz" + String(repeating: "00", count: 15), .invalidHex(field: "crypto.cipherparams.iv")),
        ("crypto.cipherparams.iv", String(repeating: "00", count: 15), .wrongLength(field: "crypto.cipherparams.iv", got: 15, expected: 16)),
        ("crypto.mac", "abc", .invalidHex(field: "crypto.mac")),
        ("crypto.mac", "00", .wrongLength(field: "crypto.mac", got: 1, expected: 32)),
        ("crypto.ciphertext", String(repeating: "00", count: 33), .wrongLength(field: "crypto.ciphertext", got: 33, expected: 32)),
        ("crypto.ciphertext", "", .wrongLength(field: "crypto.ciphertext", got: 0, expected: 32)),
        ("crypto.kdfparams.salt", "0xgg", .invalidHex(field: "crypto.kdfparams.salt")),
        ("address", "1234", .wrongLength(field: "address", got: 2, expected: 20)),
        ("address", "not hex", .invalidHex(field: "address")),
        ("crypto.cipher", "aes-128-cbc", .unsupportedCipher("aes-128-cbc")),
        ("crypto.kdf", "argon2id", .unsupportedKDF("argon2id")),
    ]

    @Test("malformed fields are named", arguments: malformed)
    func malformedFields(path: String, value: String?, expected: KeystoreError) throws {
        let (_, object) = try sampleFile()
        #expect(throws: expected) { try EncryptedKey(json: try data(setting(object, path, to: value))) }
    }

    @Test("wrong JSON types are named")
    func wrongTypes() throws {
        let (_, object) = try sampleFile()
        let cases: [(String, Any, KeystoreError)] = [
            ("version", "3", .wrongType(field: "version", expected: "integer")),
            ("version", 1, .unsupportedVersion(1)),
            ("crypto", "text", .wrongType(field: "crypto", expected: "object")),
            ("crypto.cipher", 7, .wrongType(field: "crypto.cipher", expected: "string")),
            ("crypto.kdfparams.n", "1024", .wrongType(field: "crypto.kdfparams.n", expected: "integer")),
            ("crypto.kdfparams.n", 1024.5, .wrongType(field: "crypto.kdfparams.n", expected: "integer")),
            ("crypto.kdfparams.dklen", 64, .unsupportedDerivedKeyLength(64)),
            ("crypto.kdfparams", [1, 2], .wrongType(field: "crypto.kdfparams", expected: "object")),
        ]
        for (path, value, expected) in cases {
            #expect(throws: expected) { try EncryptedKey(json: try data(setting(object, path, to: value))) }
        }
        let (_, pbkdf2) = try sampleFile(kdf: fastPBKDF2)
        #expect(throws: KeystoreError.unsupportedPRF("hmac-sha512")) {
            try EncryptedKey(json: try data(setting(pbkdf2, "crypto.kdfparams.prf", to: "hmac-sha512")))
        }
        #expect(throws: KeystoreError.missingField("crypto.kdfparams.c")) {
            try EncryptedKey(json: try data(setting(pbkdf2, "crypto.kdfparams.c", to: nil)))
        }
    }

    /// (n, r, p) a hostile file might ask for.
    static let hostileScrypt: [(Int, Int, Int)] = [
        (1 << 21, 8, 1),          // n above 2^20
        (1 << 40, 8, 1),          // absurd n
        (Int.max, 8, 1),
        (1000, 8, 1),             // not a power of two
        (1, 8, 1), (0, 8, 1), (-1024, 8, 1),
        (1 << 18, 8, 16),         // r·p = 128
        (1 << 10, 65, 1),         // r alone above the r·p bound
        (1 << 10, 1, 1 << 40),    // p absurd
        (1 << 20, 16, 1),         // 2 GiB
        (1 << 18, 0, 1), (1 << 18, 8, 0), (1 << 18, -8, -1),
    ]

    @Test("hostile scrypt parameters are refused before any work", arguments: hostileScrypt)
    func hostileScryptFile(n: Int, r: Int, p: Int) throws {
        let (_, object) = try sampleFile()
        var altered = setting(object, "crypto.kdfparams.n", to: n)
        altered = setting(altered, "crypto.kdfparams.r", to: r)
        altered = setting(altered, "crypto.kdfparams.p", to: p)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: KeystoreError.scryptParametersOutOfBounds(n: n, r: r, p: p)) {
                try Web3SecretStorage.decrypt(try data(altered), password: "pw")
            }
        }
        #expect(elapsed < .seconds(1))
        #expect(throws: KeystoreError.scryptParametersOutOfBounds(n: n, r: r, p: p)) {
            try KeyDerivation.scrypt(n: n, r: r, p: p).validate()
        }
    }

    @Test("the bounds admit geth's standard and light parameters and n = 2^20")
    func boundsAdmitRealParameters() throws {
        try KeyDerivation.standard.validate()
        try KeyDerivation.light.validate()
        try KeyDerivation.standardPBKDF2.validate()
        try KeyDerivation.scrypt(n: 1 << 20, r: 8, p: 1).validate()
        try KeyDerivation.scrypt(n: 1 << 18, r: 8, p: 8).validate()
        #expect(KeyDerivation.standard == .scrypt(n: 262_144, r: 8, p: 1))
    }

    @Test("hostile PBKDF2 iteration counts are refused", arguments: [0, -1, 10_000_001, Int.max])
    func hostilePBKDF2(c: Int) throws {
        let (_, object) = try sampleFile(kdf: fastPBKDF2)
        #expect(throws: KeystoreError.pbkdf2IterationsOutOfBounds(c)) {
            try Web3SecretStorage.decrypt(try data(setting(object, "crypto.kdfparams.c", to: c)), password: "pw")
        }
    }

    @Test("descriptions never show key material")
    func descriptions() throws {
        let key = Secp256k1.PrivateKey()
        let file = try EncryptedKey(encrypting: key, password: "pw", kdf: fastScrypt)
        let secret = Hex.encode(key.rawRepresentation, prefix: false)
        #expect(!file.description.contains(secret))
        #expect(file.description.contains(key.address.checksummed))
    }
}
