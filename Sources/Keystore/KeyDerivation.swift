import Crypto
import CryptoExtras

/// The password-hashing function of a key file and its parameters, as the file's
/// `crypto.kdf` and `crypto.kdfparams` spell them.
///
/// A plain value. ``validate()`` checks the bounds that keep a hostile file from
/// asking for unbounded memory or time; every reader and writer in this module
/// calls it before deriving anything.
public enum KeyDerivation: Sendable, Equatable, CustomStringConvertible {
    /// scrypt with cost `n` (a power of two), block size `r` and parallelism `p`.
    case scrypt(n: Int, r: Int, p: Int)
    /// PBKDF2 with HMAC-SHA256 (`prf` `hmac-sha256`, the only one the format uses) and `c` iterations.
    case pbkdf2(c: Int)

    /// geth's standard parameters (`StandardScryptN` = 2^18, `StandardScryptP` = 1, r = 8):
    /// 256 MiB and about a second per derivation.
    public static let standard = KeyDerivation.scrypt(n: 1 << 18, r: 8, p: 1)
    /// geth's `--lightkdf` parameters (`LightScryptN` = 2^12, `LightScryptP` = 6, r = 8):
    /// 4 MiB, for tests and devices that cannot afford the standard cost.
    public static let light = KeyDerivation.scrypt(n: 1 << 12, r: 8, p: 6)
    /// PBKDF2-HMAC-SHA256 with 262,144 iterations, the count the Web3 Secret Storage
    /// definition's PBKDF2 example uses.
    public static let standardPBKDF2 = KeyDerivation.pbkdf2(c: 262_144)

    /// The largest scrypt `n` accepted (2^20, four times geth's standard cost).
    public static let maxScryptN = 1 << 20
    /// The largest scrypt `r·p` accepted (geth's light parameters use 48).
    public static let maxScryptRTimesP = 64
    /// The most memory scrypt may need, `128·r·n` bytes: 1 GiB.
    public static let maxScryptMemoryBytes = 1 << 30
    /// The largest PBKDF2 iteration count accepted.
    public static let maxPBKDF2Iterations = 10_000_000

    /// The length of the derived key (`dklen`): 16 bytes of AES-128 key, then 16 bytes of MAC key.
    static let derivedKeyLength = 32

    /// Throws ``KeystoreError/scryptParametersOutOfBounds(n:r:p:)`` or
    /// ``KeystoreError/pbkdf2IterationsOutOfBounds(_:)`` unless the parameters are within
    /// the bounds above, and ``KeystoreError/scryptParametersUnsupported(n:r:p:)`` for
    /// sane parameters that swift-crypto's scrypt cannot compute.
    public func validate() throws(KeystoreError) {
        switch self {
        case .scrypt(let n, let r, let p):
            let refused = KeystoreError.scryptParametersOutOfBounds(n: n, r: r, p: p)
            guard n >= 2, n <= Self.maxScryptN, n & (n - 1) == 0 else { throw refused }
            guard r >= 1, p >= 1, r <= Self.maxScryptRTimesP, p <= Self.maxScryptRTimesP,
                  r * p <= Self.maxScryptRTimesP else { throw refused }
            guard 128 * r * n <= Self.maxScryptMemoryBytes else { throw refused }
            // RFC 7914 requires n < 2^(128·r/8), and BoringSSL enforces it (Go's scrypt,
            // and so geth, does not). log2(n) ≤ 20 here, so only r = 1 can fail.
            // swift-crypto passes BoringSSL a memory limit of 128·n·r·p + one page, while
            // scrypt needs 128·r·(n + p + 1): with p = 1 that fits only while 256·r ≤ 4096.
            guard n.trailingZeroBitCount < 16 * r, p > 1 || r <= 16 else {
                throw .scryptParametersUnsupported(n: n, r: r, p: p)
            }
        case .pbkdf2(let c):
            guard c >= 1, c <= Self.maxPBKDF2Iterations else { throw .pbkdf2IterationsOutOfBounds(c) }
        }
    }

    /// Derives the 32-byte key from `password` and `salt`. The caller owns the result
    /// and zeroes it.
    func deriveKey(password: [UInt8], salt: [UInt8]) throws(KeystoreError) -> [UInt8] {
        try validate()
        let key: SymmetricKey
        do {
            switch self {
            case .scrypt(let n, let r, let p):
                key = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: Self.derivedKeyLength,
                                               rounds: n, blockSize: r, parallelism: p)
            case .pbkdf2(let c):
                key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                        outputByteCount: Self.derivedKeyLength,
                                                        unsafeUncheckedRounds: c)
            }
        } catch {
            throw .cryptoFailure("key derivation failed: \(error)")
        }
        return key.withUnsafeBytes { Array($0) }
    }

    /// The `crypto.kdf` name.
    var name: String {
        switch self {
        case .scrypt: "scrypt"
        case .pbkdf2: "pbkdf2"
        }
    }

    public var description: String {
        switch self {
        case .scrypt(let n, let r, let p): "scrypt(n: \(n), r: \(r), p: \(p))"
        case .pbkdf2(let c): "pbkdf2(c: \(c), prf: hmac-sha256)"
        }
    }
}

/// AES-128-CTR over `input` with a 16-byte IV used as the whole initial counter block
/// (incremented as one big-endian 128-bit number, as the key file format requires).
/// Encryption and decryption are the same operation.
func aes128CTR(key: ArraySlice<UInt8>, iv: [UInt8], _ input: [UInt8]) throws(KeystoreError) -> [UInt8] {
    do {
        let symmetricKey = SymmetricKey(data: key)
        let nonce = try AES._CTR.Nonce(nonceBytes: iv)
        var output = try AES._CTR.encrypt(input, using: symmetricKey, nonce: nonce)
        defer { zeroize(&output) }
        return Array(output)
    } catch {
        throw .cryptoFailure("AES-128-CTR failed: \(error)")
    }
}

/// `count` bytes from the system's cryptographic random generator.
func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
}
