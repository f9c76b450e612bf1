/// # Primitives
///
/// The bottom layer of Cloister: values and codecs every other target shares.
///
/// ## Overview
/// - ``UInt256``: the EVM word, four inline limbs, every EVM arithmetic rule.
/// - ``Hash32``, ``Address``: fixed-size byte values (``FixedBytes``).
/// - ``Hex``: `0x` text ⇄ bytes.
/// - RLP: ``RLPEncoder`` (canonical writer), ``RLPReader`` (strict zero-copy
///   cursor), ``RLPItem`` (generic tree for tools).
/// - ``Keccak256``: Ethereum's Keccak-256, one-shot and incremental.
/// - ``Secp256k1``: keys, recoverable signatures, recovery, ECDH, tweaks, through libsecp256k1.
///
/// ## Naming
/// Representations are argument labels (`init(hex:)`, `init(rawRepresentation:)`,
/// `init(bigEndianBytes:)`); namespaces are caseless enums (`Keccak256.hash(_:)`,
/// `Secp256k1.recover(hash:signature:)`). Variants that skip a rule end in
/// `Unchecked` (`recoverUnchecked` skips EIP-2's low-`s` rule).
///
/// ## Errors
/// One typed error per codec: ``HexError``, ``UInt256ParseError``, ``RLPError``
/// (always with the byte offset), ``Secp256k1Error``. Nothing here traps on input
/// from outside the process.
///
/// ## Performance
/// `UInt256` arithmetic and `Keccak256` never allocate; `RLPReader` hands out
/// slices of its input. `UInt256`, `Address` and `Hash32` keys hash in `Set` and
/// `Dictionary` through `WordHash` (whole words, keyed per process) rather than a
/// `Hasher` call per word. Figures are in BENCHMARKS.md (`make bench`).
public enum PrimitivesModule {}
