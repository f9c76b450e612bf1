public import Foundation
public import Primitives

/// One Web3 Secret Storage v3 key file: a secp256k1 private key encrypted with
/// AES-128-CTR under a key derived from a password by scrypt or PBKDF2, with a
/// Keccak-256 MAC over the second half of the derived key and the ciphertext.
///
/// Holds only public and encrypted data, so it may be printed, copied and sent
/// across tasks freely (`Sendable`). Parsing checks every field and the KDF bounds
/// of ``KeyDerivation/validate()`` but derives nothing; ``decrypt(password:)``
/// checks the MAC before it decrypts, so a wrong password never yields a key.
public struct EncryptedKey: Sendable, Equatable, CustomStringConvertible {
    /// The account the file says it holds (`address`), if it says; checked against
    /// the decrypted key by ``decrypt(password:)``.
    public let address: Address?
    /// The file's `id` (a UUID, lowercase in the files this module writes), if present.
    public let id: String?
    /// The password-hashing function and its parameters.
    public let kdf: KeyDerivation
    let salt: [UInt8]
    let iv: [UInt8]
    let ciphertext: [UInt8]
    let mac: [UInt8]

    /// The only cipher the format defines.
    static let cipher = "aes-128-ctr"
    /// The only PBKDF2 PRF the format defines.
    static let pbkdf2PRF = "hmac-sha256"
    /// Salt length for new files (geth uses 32 bytes).
    static let saltLength = 32
    /// AES block size: the IV length.
    static let ivLength = 16

    init(address: Address?, id: String?, kdf: KeyDerivation, salt: [UInt8], iv: [UInt8],
         ciphertext: [UInt8], mac: [UInt8]) {
        self.address = address; self.id = id; self.kdf = kdf
        self.salt = salt; self.iv = iv; self.ciphertext = ciphertext; self.mac = mac
    }

    // MARK: Encrypting

    /// Encrypts `key` under `password` (its UTF-8 bytes, unnormalised, as geth and
    /// eth-account use them) with a fresh random salt, IV and UUID v4.
    public init(encrypting key: Secp256k1.PrivateKey, password: String,
                kdf: KeyDerivation = .standard) throws(KeystoreError) {
        try self.init(encrypting: key, password: password, kdf: kdf,
                      salt: randomBytes(Self.saltLength), iv: randomBytes(Self.ivLength),
                      id: UUID().uuidString.lowercased())
    }

    /// The deterministic core of encryption (fixed salt, IV and id), for tests.
    init(encrypting key: Secp256k1.PrivateKey, password: String, kdf: KeyDerivation,
         salt: [UInt8], iv: [UInt8], id: String) throws(KeystoreError) {
        var passwordBytes = Array(password.utf8)
        defer { zeroize(&passwordBytes) }
        var derived = try kdf.deriveKey(password: passwordBytes, salt: salt)
        defer { zeroize(&derived) }
        var plaintext = key.rawRepresentation
        defer { zeroize(&plaintext) }
        let ciphertext = try aes128CTR(key: derived[0..<16], iv: iv, plaintext)
        self.init(address: key.address, id: id, kdf: kdf, salt: salt, iv: iv, ciphertext: ciphertext,
                  mac: Self.mac(derivedKey: derived, ciphertext: ciphertext))
    }

    // MARK: Decrypting

    /// Derives the key from `password`, checks the MAC, then decrypts.
    ///
    /// Throws ``KeystoreError/wrongPassword`` when the MAC does not match (a wrong
    /// password or an altered file), ``KeystoreError/invalidPrivateKey`` when the
    /// plaintext is not a key, ``KeystoreError/addressMismatch(got:expected:)`` when
    /// the file's `address` names another account.
    public func decrypt(password: String) throws(KeystoreError) -> Secp256k1.PrivateKey {
        var passwordBytes = Array(password.utf8)
        defer { zeroize(&passwordBytes) }
        var derived = try kdf.deriveKey(password: passwordBytes, salt: salt)
        defer { zeroize(&derived) }
        guard constantTimeEqual(Self.mac(derivedKey: derived, ciphertext: ciphertext), mac) else {
            throw .wrongPassword
        }
        var plaintext = try aes128CTR(key: derived[0..<16], iv: iv, ciphertext)
        defer { zeroize(&plaintext) }
        var keyBytes = [UInt8](repeating: 0, count: 32)  // left-padded when the file holds fewer bytes
        defer { zeroize(&keyBytes) }
        for (i, byte) in plaintext.enumerated() { keyBytes[32 - plaintext.count + i] = byte }
        let key: Secp256k1.PrivateKey
        do { key = try Secp256k1.PrivateKey(rawRepresentation: keyBytes) } catch { throw .invalidPrivateKey }
        if let address, address != key.address {
            throw .addressMismatch(got: key.address, expected: address)
        }
        return key
    }

    /// `keccak256(derivedKey[16..<32] ‖ ciphertext)`.
    static func mac(derivedKey: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        var input = Array(derivedKey[16..<32]) + ciphertext
        defer { zeroize(&input) }
        return Keccak256.hash(input).bytes
    }

    // MARK: JSON

    /// Parses a v3 key file. Accepts `crypto` or `Crypto` (older geth), both KDFs,
    /// and an `address` with or without `0x`; refuses everything else with a
    /// ``KeystoreError`` naming the field. Derives nothing, so it is cheap.
    public init(json: Data) throws(KeystoreError) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: json) } catch { throw .invalidJSON }
        guard let object = parsed as? [String: Any] else { throw .invalidJSON }
        let root = JSONFields(object, path: "")

        let version = try root.int("version")
        guard version == 3 else { throw .unsupportedVersion(version) }

        let crypto = try root.object(object["crypto"] != nil || object["Crypto"] == nil ? "crypto" : "Crypto")
        let cipher = try crypto.string("cipher")
        guard cipher == Self.cipher else { throw .unsupportedCipher(cipher) }
        let iv = try crypto.object("cipherparams").hex("iv", length: Self.ivLength)
        let ciphertext = try crypto.hex("ciphertext", length: nil)
        // Some early tools dropped leading zero bytes of the key; geth reads such
        // files as the big-endian number they hold, and so do we.
        guard (1...32).contains(ciphertext.count) else {
            throw .wrongLength(field: crypto.field("ciphertext"), got: ciphertext.count, expected: 32)
        }
        let mac = try crypto.hex("mac", length: 32)

        let kdfName = try crypto.string("kdf")
        let params = try crypto.object("kdfparams")
        let dklen = try params.int("dklen")
        let kdf: KeyDerivation
        switch kdfName {
        case "scrypt":
            kdf = .scrypt(n: try params.int("n"), r: try params.int("r"), p: try params.int("p"))
        case "pbkdf2":
            let prf = try params.string("prf")
            guard prf == Self.pbkdf2PRF else { throw .unsupportedPRF(prf) }
            kdf = .pbkdf2(c: try params.int("c"))
        default:
            throw .unsupportedKDF(kdfName)
        }
        guard dklen == KeyDerivation.derivedKeyLength else { throw .unsupportedDerivedKeyLength(dklen) }
        try kdf.validate()
        let salt = try params.hex("salt", length: nil)

        var address: Address?
        if object["address"] != nil {
            let bytes = try root.hex("address", length: Address.byteCount)
            address = Address(bytes)
        }
        let id = object["id"] as? String

        self.init(address: address, id: id, kdf: kdf, salt: salt, iv: iv, ciphertext: ciphertext, mac: mac)
    }

    /// The key file as JSON with sorted keys, the layout geth writes:
    /// `{"address","crypto":{"cipher","ciphertext","cipherparams":{"iv"},"kdf","kdfparams":{…},"mac"},"id","version":3}`.
    /// Hex is lowercase without `0x`.
    public var json: Data {
        var kdfparams: [String: Any] = ["dklen": KeyDerivation.derivedKeyLength, "salt": Hex.encode(salt, prefix: false)]
        switch kdf {
        case .scrypt(let n, let r, let p):
            kdfparams["n"] = n; kdfparams["r"] = r; kdfparams["p"] = p
        case .pbkdf2(let c):
            kdfparams["c"] = c; kdfparams["prf"] = Self.pbkdf2PRF
        }
        var object: [String: Any] = [
            "crypto": [
                "cipher": Self.cipher,
                "ciphertext": Hex.encode(ciphertext, prefix: false),
                "cipherparams": ["iv": Hex.encode(iv, prefix: false)],
                "kdf": kdf.name,
                "kdfparams": kdfparams,
                "mac": Hex.encode(mac, prefix: false),
            ] as [String: Any],
            "version": 3,
        ]
        if let address { object["address"] = Hex.encode(address.bytes, prefix: false) }
        if let id { object["id"] = id }
        // Only strings, integers and nested dictionaries: serialisation cannot fail.
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    public var description: String {
        "EncryptedKey(address: \(address.map { $0.checksummed } ?? "none"), kdf: \(kdf))"
    }
}

/// The one-call forms of Web3 Secret Storage v3, the key file format of geth,
/// eth-account and MetaMask. Stateless; see ``EncryptedKey`` for the guarantees.
public enum Web3SecretStorage {
    /// Encrypts `key` under `password` and returns the key file JSON.
    public static func encrypt(_ key: Secp256k1.PrivateKey, password: String,
                               kdf: KeyDerivation = .standard) throws(KeystoreError) -> Data {
        try EncryptedKey(encrypting: key, password: password, kdf: kdf).json
    }

    /// Parses key file JSON and decrypts it with `password`, MAC first.
    public static func decrypt(_ json: Data, password: String) throws(KeystoreError) -> Secp256k1.PrivateKey {
        try EncryptedKey(json: json).decrypt(password: password)
    }
}

/// Typed access to one JSON object from `JSONSerialization`, naming fields by
/// their dotted path in errors.
struct JSONFields {
    let object: [String: Any]
    let path: String

    init(_ object: [String: Any], path: String) { self.object = object; self.path = path }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) throws(KeystoreError) -> Any {
        guard let value = object[key], !(value is NSNull) else { throw .missingField(field(key)) }
        return value
    }

    func string(_ key: String) throws(KeystoreError) -> String {
        guard let s = try value(key) as? String else { throw .wrongType(field: field(key), expected: "string") }
        return s
    }

    func int(_ key: String) throws(KeystoreError) -> Int {
        let v = try value(key)
        if v is String { throw .wrongType(field: field(key), expected: "integer") }
        guard let i = v as? Int else { throw .wrongType(field: field(key), expected: "integer") }
        return i
    }

    func object(_ key: String) throws(KeystoreError) -> JSONFields {
        guard let o = try value(key) as? [String: Any] else { throw .wrongType(field: field(key), expected: "object") }
        return JSONFields(o, path: field(key))
    }

    /// A hex string (with or without `0x`) of exactly `length` bytes when given.
    func hex(_ key: String, length: Int?) throws(KeystoreError) -> [UInt8] {
        let text = try string(key)
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .invalidHex(field: field(key)) }
        if let length, bytes.count != length {
            throw .wrongLength(field: field(key), got: bytes.count, expected: length)
        }
        return bytes
    }
}
