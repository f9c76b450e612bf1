public import Primitives

/// An account in the state trie: RLP `[nonce, balance, storageRoot, codeHash]`.
public struct Account: Sendable, Hashable, RLPEncodable {
    public var nonce: UInt64
    public var balance: UInt256
    public var storageRoot: Hash32
    public var codeHash: Hash32

    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, storageRoot: Hash32 = .emptyTrieRoot,
                codeHash: Hash32 = .emptyKeccak) {
        self.nonce = nonce; self.balance = balance; self.storageRoot = storageRoot; self.codeHash = codeHash
    }

    /// An account with no nonce, balance, code or storage (EIP-161 "empty").
    public var isEmpty: Bool { nonce == 0 && balance.isZero && codeHash == .emptyKeccak }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(nonce); e.append(balance); e.append(storageRoot); e.append(codeHash)
        }
    }

    /// Decodes an account's RLP (strict).
    public init(rlp bytes: [UInt8]) throws(RLPError) {
        var r = RLPReader(bytes)
        var f = try r.readList()
        nonce = try f.readUInt64()
        balance = try f.readUInt256()
        storageRoot = try f.readFixed(Hash32.self)
        codeHash = try f.readFixed(Hash32.self)
        try f.finish()
        try r.finish()
    }
}

/// How a storage value is stored in a storage trie: the RLP of its minimal
/// big-endian bytes, under Keccak-256 of the 32-byte slot. Zero values are absent.
public enum StorageSlotEncoding {
    public static func value(_ v: UInt256) -> [UInt8] { v.isZero ? [] : v.rlpEncoded }
}
