extension PrecompiledContract {
    /// 0x04 IDENTITY (Yellow Paper, appendix E): returns the input unchanged.
    ///
    /// Never fails. Gas: 15 + 3 per 32-byte word of input (`G_identity`, `G_identityword`).
    /// Pure and thread-safe.
    public static let identity = PrecompiledContract(
        address: 0x04, name: "identity",
        gasCost: { input, _ in linearCost(input, base: 15, perWord: 3) },
        execute: { input in input })
}
