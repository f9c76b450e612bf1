/// # ChainTypes
///
/// Ethereum's wire types and their RLP and JSON forms: transactions (legacy with
/// and without EIP-155, EIP-2930, EIP-1559), headers (pre-London and London),
/// blocks, receipts, logs, blooms, the chain configuration and geth-format
/// genesis files. No behaviour beyond hashing, encoding and signature recovery.
///
/// ## Naming
/// A type's state is in its name: `SignedTransaction` carries a signature,
/// `RecoveredTransaction` also its sender; `SealedHeader` carries its hash.
///
/// ## Errors
/// `TransactionError` (decoding and validity), `GenesisError` (the field and the reason).
public enum ChainTypesModule {}
