public import State
public import Primitives

/// Read-only access to a chain's state: the committed head, the latest state and the
/// state after a canonical block. Writes go only through ``Blockchain``'s import and
/// production paths, under its import lock; this view cannot make them.
public struct ChainState: Sendable {
    let store: StateStore

    /// The block and state root of the committed flat state.
    public func head() throws(StateError) -> (block: UInt64, root: Hash32)? { try store.head() }

    /// The state after the head.
    public func latest() throws(StateError) -> any StateReader { try store.latest() }

    /// The state after the canonical block `number`.
    public func reader(atBlock number: UInt64) throws(StateError) -> any StateReader { try store.reader(atBlock: number) }
}
