import Crypto
public import Primitives

/// A BIP-32 extended private key: a secp256k1 private key with its chain code and
/// its place in the tree (depth and child number).
///
/// Derivation is deterministic and never yields an invalid key: the rare index
/// whose key would be invalid (BIP-32: probability below 2^-127) throws
/// ``KeystoreError/invalidChildKey(index:)`` instead. The chain code is secret
/// too (with one child private key it gives the parent's), so `description`
/// shows only the address and position. Immutable and `Sendable`.
public struct ExtendedPrivateKey: Sendable, CustomStringConvertible {
    /// The private key at this node.
    public let privateKey: Secp256k1.PrivateKey
    /// The 32-byte chain code.
    public let chainCode: [UInt8]
    /// 0 for the master key, 1 for its children, …
    public let depth: UInt8
    /// The index this key was derived with (hardened indices include ``DerivationPath/hardenedOffset``); 0 for the master key.
    public let childNumber: UInt32

    /// The HMAC key of the master node (BIP-32).
    static let masterHMACKey = Array("Bitcoin seed".utf8)

    /// The master key of `seed` (16 to 64 bytes; BIP-39 seeds are 64).
    public init(seed: [UInt8]) throws(KeystoreError) {
        guard (16...64).contains(seed.count) else { throw .invalidSeedLength(seed.count) }
        var i = Self.hmacSHA512(key: Self.masterHMACKey, data: seed)
        defer { zeroize(&i) }
        do { privateKey = try Secp256k1.PrivateKey(rawRepresentation: i[0..<32]) } catch { throw .invalidMasterKey }
        chainCode = Array(i[32..<64])
        depth = 0
        childNumber = 0
    }

    init(privateKey: Secp256k1.PrivateKey, chainCode: [UInt8], depth: UInt8, childNumber: UInt32) {
        self.privateKey = privateKey; self.chainCode = chainCode; self.depth = depth; self.childNumber = childNumber
    }

    /// The public key at this node.
    public var publicKey: Secp256k1.PublicKey { privateKey.publicKey }

    /// The child at `index` (CKDpriv): hardened when `index ≥ 2^31`.
    public func child(_ index: UInt32) throws(KeystoreError) -> ExtendedPrivateKey {
        guard depth < UInt8.max else { throw .invalidDerivationPath("deeper than 255 levels") }
        var data: [UInt8]
        if index >= DerivationPath.hardenedOffset {
            data = [0] + privateKey.rawRepresentation
        } else {
            data = publicKey.compressed
        }
        defer { zeroize(&data) }
        data += [UInt8(index >> 24), UInt8(index >> 16 & 0xff), UInt8(index >> 8 & 0xff), UInt8(index & 0xff)]
        var i = Self.hmacSHA512(key: chainCode, data: data)
        defer { zeroize(&i) }
        // IL < n and k_par + IL ≠ 0, else BIP-32 says this index has no key.
        guard let tweak = Hash32(i[0..<32]),
              let key = try? privateKey.adding(tweak: tweak) else { throw .invalidChildKey(index: index) }
        return ExtendedPrivateKey(privateKey: key, chainCode: Array(i[32..<64]), depth: depth + 1, childNumber: index)
    }

    /// The descendant at `path`, which is read from this node (for a master key,
    /// `m/44'/60'/0'/0/5` gives the BIP-44 Ether account 0, key 5).
    public func derive(_ path: DerivationPath) throws(KeystoreError) -> ExtendedPrivateKey {
        var node = self
        for index in path.components { node = try node.child(index) }
        return node
    }

    static func hmacSHA512(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    public var description: String {
        "ExtendedPrivateKey(address: \(privateKey.address.checksummed), depth: \(depth), child: \(DerivationPath.format(childNumber)))"
    }
}

/// A BIP-32 derivation path such as `m/44'/60'/0'/0/5`: a list of child indices,
/// hardened ones at or above ``hardenedOffset``.
///
/// Parsing accepts `'`, `h` or `H` as the hardened mark and indices below 2^31;
/// it refuses anything else (empty components, signs, spaces, more than 255
/// levels) with ``KeystoreError/invalidDerivationPath(_:)``. A plain value.
public struct DerivationPath: Sendable, Hashable, CustomStringConvertible {
    /// The child indices from the root.
    public let components: [UInt32]

    /// Added to an index to make it hardened (2^31).
    public static let hardenedOffset: UInt32 = 0x8000_0000
    /// BIP-32 depth is one byte.
    static let maxDepth = 255

    public init(components: [UInt32]) { self.components = components }

    /// Parses `m`, `m/0`, `m/44'/60'/0'/0/5`, …
    public init(_ text: String) throws(KeystoreError) {
        var parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.first == "m" else { throw .invalidDerivationPath("must start with m") }
        parts.removeFirst()
        guard parts.count <= Self.maxDepth else { throw .invalidDerivationPath("more than \(Self.maxDepth) levels") }
        var components: [UInt32] = []
        for (n, part) in parts.enumerated() {
            var digits = Substring(part)
            var hardened = false
            if let last = digits.last, last == "'" || last == "h" || last == "H" {
                hardened = true
                digits = digits.dropLast()
            }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let value = UInt32(digits), value < Self.hardenedOffset else {
                throw .invalidDerivationPath("level \(n + 1) is not an index below 2^31 with an optional ' mark")
            }
            components.append(hardened ? value | Self.hardenedOffset : value)
        }
        self.components = components
    }

    /// BIP-44's Ether path `m/44'/60'/account'/0/index`, the one geth, MetaMask,
    /// Hardhat and anvil use for account `index`.
    /// Both numbers must be below 2^31 (a programmer error otherwise).
    public static func ethereum(account: UInt32 = 0, index: UInt32) -> DerivationPath {
        precondition(account < hardenedOffset && index < hardenedOffset, "BIP-44 account and index are below 2^31")
        return DerivationPath(components: [44 | hardenedOffset, 60 | hardenedOffset,
                                           account | hardenedOffset, 0, index])
    }

    static func format(_ index: UInt32) -> String {
        index >= hardenedOffset ? "\(index - hardenedOffset)'" : "\(index)"
    }

    public var description: String {
        (["m"] + components.map(Self.format)).joined(separator: "/")
    }
}
