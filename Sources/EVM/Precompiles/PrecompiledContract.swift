public import Primitives
public import ChainTypes

/// A precompiled contract: a gas rule and a pure function of the call data.
///
/// The caller (the host's call logic) charges ``gasCost`` first: a call with
/// less gas fails and consumes everything it was given. ``execute`` returns the
/// output, or nil when the input is invalid — the call then fails and consumes
/// all its gas, as the Yellow Paper and every client do. Both are pure and
/// thread-safe.
public struct PrecompiledContract: Sendable {
    /// The contract's address (0x01 … 0x09).
    public let address: Address
    /// A short name for traces and errors ("ecrecover", "modexp", …).
    public let name: String
    /// Gas for this input under the given fork's pricing.
    public let gasCost: @Sendable (_ input: [UInt8], _ fork: Fork) -> UInt64
    /// The output, or nil for invalid input.
    public let execute: @Sendable (_ input: [UInt8]) -> [UInt8]?

    public init(address: UInt8, name: String,
                gasCost: @escaping @Sendable (_ input: [UInt8], _ fork: Fork) -> UInt64,
                execute: @escaping @Sendable (_ input: [UInt8]) -> [UInt8]?) {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[19] = address
        self.address = Address(bytes)!
        self.name = name
        self.gasCost = gasCost
        self.execute = execute
    }

    /// The Yellow Paper's per-word cost: `base + perWord · ⌈len / 32⌉`.
    public static func linearCost(_ input: [UInt8], base: UInt64, perWord: UInt64) -> UInt64 {
        base + perWord * UInt64((input.count + 31) / 32)
    }
}
