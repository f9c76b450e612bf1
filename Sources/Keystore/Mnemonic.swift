import Crypto
import CryptoExtras
import Foundation

/// A BIP-39 mnemonic whose words are all in the English list and whose checksum
/// holds: the proof that the phrase was typed as generated.
///
/// Holds secret words: `description` shows only the word count, and nothing here
/// prints or logs them. The words live in Swift strings, which cannot be zeroed;
/// keep a `Mnemonic` no longer than needed. Immutable and `Sendable`.
public struct Mnemonic: Sendable, Equatable, CustomStringConvertible {
    /// The words, NFKD-normalised, in order.
    public let words: [String]

    /// Word counts BIP-39 defines (128…256 bits of entropy in steps of 32).
    public static let validWordCounts = [12, 15, 18, 21, 24]

    /// PBKDF2 rounds for the seed (BIP-39).
    static let seedIterations = 2048
    /// Seed length in bytes (BIP-39: 512 bits).
    static let seedLength = 64

    /// Checks `phrase`: NFKD-normalises it, splits it on whitespace, and requires a
    /// valid word count, English words (exact, lowercase) and a matching checksum.
    public init(phrase: String) throws(KeystoreError) {
        let words = phrase.decomposedStringWithCompatibilityMapping
            .split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard Self.validWordCounts.contains(words.count) else { throw .invalidMnemonicWordCount(words.count) }
        var indices: [Int] = []
        for (position, word) in words.enumerated() {
            guard let index = BIP39EnglishWordlist.index[word] else { throw .unknownMnemonicWord(position: position) }
            indices.append(index)
        }
        defer { for i in indices.indices { indices[i] = 0 } }
        // 11 bits per word: entropy (ENT bits) then checksum (ENT/32 bits).
        let totalBits = words.count * 11
        let checksumBits = totalBits / 33
        let entropyBytes = (totalBits - checksumBits) / 8
        var bits = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        defer { zeroize(&bits) }
        for (n, index) in indices.enumerated() {
            for b in 0..<11 where index & (1 << (10 - b)) != 0 {
                let bit = n * 11 + b
                bits[bit / 8] |= 0x80 >> UInt8(bit % 8)
            }
        }
        var entropy = Array(bits[0..<entropyBytes])
        defer { zeroize(&entropy) }
        let expected = Self.checksum(entropy)
        let got = bits[entropyBytes] >> UInt8(8 - checksumBits)
        guard got == expected else { throw .invalidMnemonicChecksum }
        self.words = words
    }

    /// The mnemonic that encodes `entropy` (16, 20, 24, 28 or 32 bytes).
    public init(entropy: [UInt8]) throws(KeystoreError) {
        guard [16, 20, 24, 28, 32].contains(entropy.count) else { throw .invalidEntropyLength(entropy.count) }
        let checksumBits = entropy.count / 4
        var bits = entropy + [Self.checksum(entropy) << UInt8(8 - checksumBits)]
        defer { zeroize(&bits) }
        let wordCount = (entropy.count * 8 + checksumBits) / 11
        var words: [String] = []
        for n in 0..<wordCount {
            var index = 0
            for b in 0..<11 {
                let bit = n * 11 + b
                index = index << 1 | Int(bits[bit / 8] >> UInt8(7 - bit % 8) & 1)
            }
            words.append(BIP39EnglishWordlist.words[index])
        }
        self.words = words
    }

    /// A new mnemonic from the system's cryptographic random generator.
    /// `wordCount` must be one of ``validWordCounts``.
    public static func generate(wordCount: Int = 24) throws(KeystoreError) -> Mnemonic {
        guard validWordCounts.contains(wordCount) else { throw .invalidMnemonicWordCount(wordCount) }
        var entropy = randomBytes(wordCount * 4 / 3)
        defer { zeroize(&entropy) }
        return try Mnemonic(entropy: entropy)
    }

    /// The words joined by single spaces.
    public var phrase: String { words.joined(separator: " ") }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512 of the phrase with salt
    /// `"mnemonic" + passphrase`, 2048 rounds, 64 bytes, both strings NFKD.
    /// The caller owns the seed and should zero it.
    public func seed(passphrase: String = "") throws(KeystoreError) -> [UInt8] {
        try Self.seedUnchecked(phrase: phrase, passphrase: passphrase)
    }

    /// The BIP-39 seed of any phrase, without checking words or checksum (BIP-39
    /// defines the seed for every phrase). The phrase is used as given, after NFKD.
    public static func seedUnchecked(phrase: String, passphrase: String = "") throws(KeystoreError) -> [UInt8] {
        var password = Array(phrase.decomposedStringWithCompatibilityMapping.utf8)
        defer { zeroize(&password) }
        var salt = Array(("mnemonic" + passphrase).decomposedStringWithCompatibilityMapping.utf8)
        defer { zeroize(&salt) }
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha512,
                                                        outputByteCount: seedLength,
                                                        unsafeUncheckedRounds: seedIterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .cryptoFailure("PBKDF2 failed: \(error)")
        }
    }

    /// The first ENT/32 bits of SHA-256(entropy), right-aligned.
    static func checksum(_ entropy: [UInt8]) -> UInt8 {
        let bits = entropy.count / 4
        let first = SHA256.hash(data: entropy).withUnsafeBytes { $0[0] }
        return first >> UInt8(8 - bits)
    }

    public var description: String { "Mnemonic(\(words.count) words)" }
}
