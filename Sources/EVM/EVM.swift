/// # EVM
///
/// The Ethereum Virtual Machine through Cancun, after evmone's design: the
/// interpreter executes one call frame over its code, talking to the world only
/// through a ``Host`` (accounts, storage, nested calls, logs, block context), so
/// the same interpreter runs in the node and inside the enclave. Precompiled
/// contracts 0x01–0x09 live in `Precompiles/` as pure functions.
///
/// ## Performance
/// Jump destinations are analysed once per code; the 1024-slot stack is
/// preallocated and reused; the loop returns status codes, never throws.
public enum EVMModule {}
