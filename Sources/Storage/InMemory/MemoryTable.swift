/// One table of an ``InMemoryStore``: a dictionary plus a cached sorted key
/// list for scans, rebuilt only after a key is added or removed.
///
/// A value type: copying it (into a snapshot or a write batch) is O(1) until
/// one side mutates, which then copies that table once.
struct MemoryTable: Sendable {
    private var entries: [Key: [UInt8]] = [:]
    /// `entries.keys` in unsigned lexicographic order, or nil when stale.
    private var sortedKeys: [[UInt8]]? = []

    /// A key hashed in one pass over its bytes (an `Array`'s own hash feeds
    /// `Hasher` one byte at a time, a call per byte).
    struct Key: Hashable, Sendable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    subscript(key: [UInt8]) -> [UInt8]? { entries[Key(bytes: key)] }

    mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        if entries.updateValue(value, forKey: Key(bytes: key)) == nil { sortedKeys = nil }
    }

    mutating func delete(_ key: [UInt8]) {
        if entries.removeValue(forKey: Key(bytes: key)) != nil { sortedKeys = nil }
    }

    /// The keys in order (LMDB's default order: `memcmp`, then shorter first),
    /// sorting once after each change of the key set.
    mutating func orderedKeys() -> [[UInt8]] {
        if let sortedKeys { return sortedKeys }
        let sorted = entries.keys.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }
        sortedKeys = sorted
        return sorted
    }

    /// The index of the first key ≥ `start` in `keys` (binary search).
    static func firstIndex(in keys: [[UInt8]], notBelow start: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = low + (high - low) / 2
            if keys[mid].lexicographicallyPrecedes(start) {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low
    }
}

/// Key rules shared with ``LMDBStore``, so tests behave the same on both engines.
enum MemoryKeyRules {
    /// LMDB's default `mdb_env_get_maxkeysize`.
    static let maxKeySize = 511

    @inline(__always)
    static func check(_ key: [UInt8]) throws(StorageError) {
        guard !key.isEmpty, key.count <= maxKeySize else { throw .invalidKey(length: key.count) }
    }

    @inline(__always)
    static func checkScanStart(_ start: [UInt8]) throws(StorageError) {
        guard start.count <= maxKeySize else { throw .invalidKey(length: start.count) }
    }
}
