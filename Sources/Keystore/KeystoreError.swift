public import Primitives

/// Why a key file, key directory, mnemonic or derivation path was refused.
///
/// `Sendable` and `Equatable`. No case carries secret material: a bad mnemonic
/// word is reported by its position, never by its text.
public enum KeystoreError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: Key file format

    /// The bytes are not JSON, or the top level is not an object.
    case invalidJSON
    /// A required field is absent; the payload is its path, such as `crypto.kdfparams.salt`.
    case missingField(String)
    /// A field has the wrong JSON type (`expected` is "string", "object" or "integer").
    case wrongType(field: String, expected: String)
    /// A field that must be hex is not.
    case invalidHex(field: String)
    /// A hex field decodes to the wrong number of bytes.
    case wrongLength(field: String, got: Int, expected: Int)
    /// The `version` field is not 3.
    case unsupportedVersion(Int)
    /// `crypto.cipher` is not `aes-128-ctr`.
    case unsupportedCipher(String)
    /// `crypto.kdf` is not `scrypt` or `pbkdf2`.
    case unsupportedKDF(String)
    /// `crypto.kdfparams.prf` of a PBKDF2 file is not `hmac-sha256`.
    case unsupportedPRF(String)
    /// `crypto.kdfparams.dklen` is not 32.
    case unsupportedDerivedKeyLength(Int)
    /// Scrypt parameters outside ``KeyDerivation``'s bounds: n not a power of two in
    /// 2…2^20, r or p below 1, r·p above 64, or more than 1 GiB of memory.
    /// Refused before any work, so a hostile file cannot exhaust memory or time.
    case scryptParametersOutOfBounds(n: Int, r: Int, p: Int)
    /// Scrypt parameters within bounds that swift-crypto's scrypt (BoringSSL) cannot
    /// compute: RFC 7914's `n < 2^(16·r)` (so r = 1 allows only n ≤ 2^15; the Web3
    /// Secret Storage definition's own example uses r = 1, n = 2^18, which geth's Go
    /// scrypt accepts), or r > 16 with p = 1 (swift-crypto's memory limit is too tight).
    case scryptParametersUnsupported(n: Int, r: Int, p: Int)
    /// A PBKDF2 iteration count outside 1…``KeyDerivation/maxPBKDF2Iterations``.
    case pbkdf2IterationsOutOfBounds(Int)

    // MARK: Decryption

    /// The MAC does not match: the password is wrong or the file was altered.
    /// The text is geth's, so scripts that match on it keep working.
    case wrongPassword
    /// The MAC matched but the plaintext is not a valid secp256k1 private key.
    case invalidPrivateKey
    /// The file's `address` field names another account than the decrypted key.
    case addressMismatch(got: Address, expected: Address)
    /// swift-crypto's KDF or cipher reported an internal failure.
    case cryptoFailure(String)

    // MARK: Key directory

    /// A file or directory operation failed; `reason` is the system's message.
    case fileSystem(path: String, reason: String)
    /// More than one key file in the directory holds this address.
    case ambiguousAddress(Address, count: Int)

    // MARK: BIP-39 / BIP-32

    /// A mnemonic whose word count is not 12, 15, 18, 21 or 24.
    case invalidMnemonicWordCount(Int)
    /// The word at this 0-based position is not in the BIP-39 English list.
    case unknownMnemonicWord(position: Int)
    /// The words are all valid but the checksum bits do not match.
    case invalidMnemonicChecksum
    /// Entropy that is not 16, 20, 24, 28 or 32 bytes.
    case invalidEntropyLength(Int)
    /// A BIP-32 seed outside 16…64 bytes.
    case invalidSeedLength(Int)
    /// A derivation path that does not parse; the payload says why.
    case invalidDerivationPath(String)
    /// The master key from this seed is zero or not below the curve order (BIP-32
    /// says the seed is then unusable; probability about 2^-127).
    case invalidMasterKey
    /// Child `index` is not a valid key (BIP-32: proceed with the next index;
    /// probability about 2^-127).
    case invalidChildKey(index: UInt32)

    public var description: String {
        switch self {
        case .invalidJSON: "key file is not a JSON object"
        case .missingField(let f): "key file: missing field \(f)"
        case .wrongType(let f, let e): "key file: \(f) is not a JSON \(e)"
        case .invalidHex(let f): "key file: \(f) is not hex"
        case .wrongLength(let f, let g, let e): "key file: \(f) has \(g) bytes, expected \(e)"
        case .unsupportedVersion(let v): "version not supported: \(v)"
        case .unsupportedCipher(let c): "cipher not supported: \(c)"
        case .unsupportedKDF(let k): "unsupported KDF: \(k)"
        case .unsupportedPRF(let p): "unsupported PBKDF2 PRF: \(p)"
        case .unsupportedDerivedKeyLength(let n): "unsupported derived key length: \(n) (expected 32)"
        case .scryptParametersOutOfBounds(let n, let r, let p): "scrypt parameters refused (n=\(n), r=\(r), p=\(p))"
        case .scryptParametersUnsupported(let n, let r, let p):
            "scrypt parameters not supported by this implementation (n=\(n), r=\(r), p=\(p)): needs n < 2^(16·r), and r ≤ 16 when p = 1"
        case .pbkdf2IterationsOutOfBounds(let c): "PBKDF2 iteration count refused (c=\(c))"
        case .wrongPassword: "could not decrypt key with given password"
        case .invalidPrivateKey: "decrypted key is not a valid secp256k1 private key"
        case .addressMismatch(let g, let e): "key content mismatch: have account \(g), file says \(e)"
        case .cryptoFailure(let m): "crypto failure: \(m)"
        case .fileSystem(let path, let reason): "\(path): \(reason)"
        case .ambiguousAddress(let a, let n): "multiple keys match address \(a) (\(n) files)"
        case .invalidMnemonicWordCount(let n): "mnemonic has \(n) words, expected 12, 15, 18, 21 or 24"
        case .unknownMnemonicWord(let i): "mnemonic word \(i + 1) is not in the BIP-39 English word list"
        case .invalidMnemonicChecksum: "invalid mnemonic checksum"
        case .invalidEntropyLength(let n): "entropy has \(n) bytes, expected 16, 20, 24, 28 or 32"
        case .invalidSeedLength(let n): "seed has \(n) bytes, expected 16 to 64"
        case .invalidDerivationPath(let why): "invalid derivation path: \(why)"
        case .invalidMasterKey: "seed gives an invalid BIP-32 master key"
        case .invalidChildKey(let i): "BIP-32 child \(i) is not a valid key"
        }
    }
}
