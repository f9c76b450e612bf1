public import Primitives

/// One entry of an EIP-2930 access list: an address and the storage slots of it
/// that the transaction declares it will touch.
///
/// A plain value; duplicates are allowed (and charged) as EIP-2930 says.
public struct AccessListEntry: Hashable, Sendable, RLPEncodable {
    public var address: Address
    public var storageKeys: [Hash32]

    public init(address: Address, storageKeys: [Hash32] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }

    /// `[address, [storageKey, …]]`.
    public func encode(to encoder: inout RLPEncoder) {
        encoder.appendList { e in
            e.append(address)
            e.appendList { keys in for key in storageKeys { keys.append(key) } }
        }
    }
}

/// An EIP-2930 access list: the addresses and storage slots a transaction pre-declares
/// (warmed before execution, 2,400 gas per address and 1,900 per key).
///
/// A plain value in declaration order. Decoding is strict: every entry must be a
/// two-item list of a 20-byte address and a list of 32-byte keys.
public struct AccessList: Hashable, Sendable, RLPEncodable, ExpressibleByArrayLiteral {
    public var entries: [AccessListEntry]

    public init(_ entries: [AccessListEntry] = []) { self.entries = entries }

    public init(arrayLiteral elements: AccessListEntry...) { entries = elements }

    /// The empty list (legacy transactions have no access list).
    public static let empty = AccessList()

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The number of storage keys over all entries.
    public var storageKeyCount: Int { entries.reduce(0) { $0 + $1.storageKeys.count } }

    /// `[[address, [key, …]], …]`.
    public func encode(to encoder: inout RLPEncoder) {
        encoder.appendList { e in for entry in entries { entry.encode(to: &e) } }
    }

    /// Reads an access list item, naming the failing part in the error.
    static func read(from reader: inout RLPReader) throws(TransactionError) -> AccessList {
        var list = try decodingField(.accessList) { () throws(RLPError) in try reader.readList() }
        var entries: [AccessListEntry] = []
        while !list.isAtEnd {
            var entry = try decodingField(.accessList) { () throws(RLPError) in try list.readList() }
            let address = try decodingField(.accessListAddress) { () throws(RLPError) in try entry.readFixed(Address.self) }
            var keysReader = try decodingField(.accessList) { () throws(RLPError) in try entry.readList() }
            try decodingField(.accessList) { () throws(RLPError) in try entry.finish() }
            var keys: [Hash32] = []
            while !keysReader.isAtEnd {
                keys.append(try decodingField(.accessListStorageKey) { () throws(RLPError) in
                    try keysReader.readFixed(Hash32.self)
                })
            }
            entries.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return AccessList(entries)
    }
}

/// Runs one field read, turning its ``RLPError`` into ``TransactionError/invalidField(_:_:)``.
@inline(__always)
private func decodingField<T>(_ field: TransactionField, _ body: () throws(RLPError) -> T) throws(TransactionError) -> T {
    do { return try body() } catch { throw .invalidField(field, error) }
}
