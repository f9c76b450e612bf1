public import Primitives
public import ChainTypes

/// The host's request for a signed view call (CONFIDENTIAL.md section 5.4) against the
/// confidential state after block `blockHash`. The enclave recovers the caller from the
/// envelope's view signature itself and takes the state root from its own verified chain.
public struct ViewCallRequest: Sendable, Equatable {
    /// The view envelope's bytes (the `0x40` layout, signed over the view digest).
    public var envelope: [UInt8]
    /// The block whose state is read (it must be on the enclave's verified chain).
    public var blockHash: Hash32
    /// The block environment the call sees (the next block's, as `eth_call` does).
    public var context: ExecContext
    /// RLP of the nearest section at or below `blockHash` (empty when none).
    public var ancestorSection: [UInt8]

    public init(envelope: [UInt8], blockHash: Hash32, context: ExecContext, ancestorSection: [UInt8]) {
        self.envelope = envelope; self.blockHash = blockHash; self.context = context; self.ancestorSection = ancestorSection
    }

    func write(to e: inout RLPEncoder) {
        e.appendBytes(envelope)
        e.appendBytes(blockHash.bytes)
        ExecuteBlockRequest.writeContext(context, to: &e)
        e.appendBytes(ancestorSection)
    }

    static func read(from r: inout RLPReader) throws -> ViewCallRequest {
        let envelope = Array(try r.readBytes())
        let blockHash = try r.readFixed(Hash32.self)
        let context = try ExecuteBlockRequest.readContext(from: &r)
        return ViewCallRequest(envelope: envelope, blockHash: blockHash, context: context, ancestorSection: Array(try r.readBytes()))
    }
}
