public import Primitives
public import State

/// The registry's slots in a block's mutable state: the storage of the reserved system
/// address (what block execution writes).
///
/// The first write gives the account nonce 1, so it is never *empty* in EIP-161's sense: a
/// zero-value call to the address cannot make the state delete the registry.
public struct RegistryStateSlots: RegistrySlots {
    public let state: StateDB

    public init(state: StateDB) { self.state = state }

    public func read(_ slot: UInt256) throws -> UInt256 { try state.storage(RegistryLayout.address, slot: slot) }

    public func write(_ slot: UInt256, _ value: UInt256) throws {
        if try state.nonce(RegistryLayout.address) == 0 { try state.setNonce(RegistryLayout.address, 1) }
        try state.setStorage(RegistryLayout.address, slot: slot, value)
    }
}

/// The registry's slots in a committed state (a block's, for RPC and the node's flows):
/// read-only; a write throws.
public struct RegistryReaderSlots: RegistrySlots {
    public let reader: any StateReader

    public init(reader: any StateReader) { self.reader = reader }

    public func read(_ slot: UInt256) throws -> UInt256 { try reader.storage(RegistryLayout.address, slot: slot) }

    public func write(_ slot: UInt256, _ value: UInt256) throws { throw RegistryError.readOnly }
}
