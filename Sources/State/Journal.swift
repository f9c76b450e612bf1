import Primitives
import ChainTypes

/// One undoable change to a ``StateDB``, recording what was there before.
enum JournalEntry {
    /// The account record before the change (nil: did not exist in the overlay's view).
    case account(Address, previous: Account?)
    /// A storage slot's value before the change, and whether the overlay had written it.
    case storage(Address, slot: UInt256, previous: UInt256, wasWritten: Bool)
    /// The overlay code before the change (nil: code was not overlaid).
    case code(Address, previous: [UInt8]?)
    /// Storage wiped (account created or destroyed): the previous slots and wipe flag.
    case storageReset(Address, previousSlots: [UInt256: StorageSlot], previousWiped: Bool)
    /// The address was marked touched (EIP-161); undo removes the mark.
    case touched(Address)
}
