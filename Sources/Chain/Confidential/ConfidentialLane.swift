public import Primitives
public import ChainTypes

/// What a block builder asks of the node's enclave: run these `0x40` transactions on top
/// of the parent and return the section (CONFIDENTIAL.md section 8, steps 1–2).
public struct ConfidentialExecutionRequest: Sendable {
    /// The new block's public context (its author is this node's signer).
    public var context: ExecContext
    public var parent: SealedHeader
    public var parentEncStateRoot: Hash32
    /// The registry's current generation at the parent.
    public var generation: UInt32
    /// The block's `0x40` transactions in body order.
    public var transactions: [SignedTransaction]

    public init(context: ExecContext, parent: SealedHeader, parentEncStateRoot: Hash32, generation: UInt32,
                transactions: [SignedTransaction]) {
        self.context = context; self.parent = parent; self.parentEncStateRoot = parentEncStateRoot
        self.generation = generation; self.transactions = transactions
    }
}

/// The confidential execution lane a builder uses: the node's enclave, reached through the
/// host. Chain never sees a key or a plaintext; it gets the section and checks it like any
/// other node would before sealing.
public protocol ConfidentialExecutionLane: Sendable {
    /// Whether the lane can execute for a block on `parent` now (an enclave that holds the
    /// current generation); when false the builder leaves `0x40` transactions in the pool.
    func isReady(generation: UInt32) -> Bool
    /// Executes the request; throws when the enclave cannot (the builder then seals without them).
    func execute(_ request: ConfidentialExecutionRequest) throws -> ConfidentialSection
}
