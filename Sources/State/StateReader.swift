public import Primitives
public import ChainTypes

/// Read access to one committed state (the latest, or a past block's).
public protocol StateReader {
    /// The account at `address`, or nil if it does not exist.
    func account(_ address: Address) throws(StateError) -> Account?
    /// The value of a storage slot (zero when unset).
    func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256
    /// The code with this hash, or nil if unknown.
    func code(_ hash: Hash32) throws(StateError) -> [UInt8]?
    /// The root of the state this reader shows.
    var stateRoot: Hash32 { get }
}

/// An empty state (a new chain before its genesis is applied; tests).
public struct EmptyStateReader: StateReader, Sendable {
    public init() {}
    public func account(_ address: Address) throws(StateError) -> Account? { nil }
    public func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 { .zero }
    public func code(_ hash: Hash32) throws(StateError) -> [UInt8]? { hash == .emptyKeccak ? [] : nil }
    public var stateRoot: Hash32 { .emptyTrieRoot }
}
