/// The tables of a Cloister data directory. Each name is fixed on disk: renaming
/// one is a schema change (bump ``SchemaVersion/current``).
public enum Tables {
    /// Store metadata: schema version, genesis hash, head pointers (small keys).
    public static let meta = Table("meta")
    /// Merkle Patricia Trie nodes by hash: Keccak-256(node RLP) → node RLP.
    public static let trieNodes = Table("trie_nodes")
    /// Flat account state: address (20 bytes) → account RLP [nonce, balance, storageRoot, codeHash].
    public static let accounts = Table("accounts")
    /// Flat storage: address (20) ‖ slot (32) → minimal big-endian value (zero values are absent).
    public static let storage = Table("storage")
    /// Contract code: code hash (32) → code bytes.
    public static let code = Table("code")
    /// Per-block account change sets: block number (8, BE) ‖ address (20) → account RLP before the block (empty = absent).
    public static let accountChanges = Table("account_changes")
    /// Per-block storage change sets: block number (8, BE) ‖ address (20) ‖ slot (32) → value before the block.
    public static let storageChanges = Table("storage_changes")
    /// Headers: block hash (32) → header RLP.
    public static let headers = Table("headers")
    /// Bodies: block hash (32) → body RLP [transactions, uncles].
    public static let bodies = Table("bodies")
    /// Receipts: block hash (32) → RLP list of receipts.
    public static let receipts = Table("receipts")
    /// Canonical chain: block number (8, BE) → block hash.
    public static let canonical = Table("canonical")
    /// Block numbers: block hash (32) → block number (8, BE).
    public static let blockNumbers = Table("block_numbers")
    /// Transaction lookup: tx hash (32) → block hash (32) ‖ index (4, BE).
    public static let transactionLookup = Table("tx_lookup")
    /// State roots by block: block number (8, BE) → state root (32), for historical reads.
    public static let stateRoots = Table("state_roots")

    /// Total difficulty: block hash (32) → total difficulty of the chain ending there (minimal big-endian).
    public static let totalDifficulty = Table("total_difficulty")
    /// Clique voting snapshots at checkpoints: block hash (32) → snapshot RLP.
    public static let cliqueSnapshots = Table("clique_snapshots")

    /// Confidential sections (CONFIDENTIAL.md section 6): block hash (32) → section RLP.
    public static let sections = Table("conf_sections")
    /// The encrypted state's root after each block of a confidential chain: block hash (32) → root (32).
    public static let encStateRoots = Table("conf_enc_roots")
    /// The encrypted trie's nodes: Keccak-256(node RLP) → node RLP (content-addressed, so every branch shares them).
    public static let encTrieNodes = Table("conf_enc_trie_nodes")

    /// Every table a data directory holds.
    public static let all: [Table] = [
        meta, trieNodes, accounts, storage, code, accountChanges, storageChanges,
        headers, bodies, receipts, canonical, blockNumbers, transactionLookup, stateRoots,
        totalDifficulty, cliqueSnapshots, sections, encStateRoots, encTrieNodes,
    ]
}

/// The on-disk layout version written into a new data directory.
public enum SchemaVersion {
    /// The version this build writes and reads. A data directory with a higher
    /// version is refused (``StorageError/newerSchema(found:supported:)``).
    public static let current: UInt32 = 1
    /// The key of the version record in ``Tables/meta``.
    public static let key: [UInt8] = Array("schema_version".utf8)
}
