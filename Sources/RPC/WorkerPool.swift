import NIOPosix

/// A fixed set of threads for heavy, synchronous request work: EVM calls and gas
/// estimates, log scans, proofs, fee history.
///
/// Swift's cooperative pool has one thread per core; a request that computes for
/// seconds there starves every other task, the sealing loop included. Work sent
/// here waits its turn in a FIFO queue instead, and at most `threads` such requests
/// run at once, so the cooperative threads stay free for I/O, cheap requests and
/// sealing. The threads live as long as the pool. Thread-safe.
final class WorkerPool: Sendable {
    private let threads: NIOThreadPool

    init(threads count: Int) {
        threads = NIOThreadPool(numberOfThreads: max(1, count))
        threads.start()
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// Runs `body` on one of the threads and returns its result.
    func run(_ body: @escaping @Sendable () throws(RPCError) -> JSON) async throws(RPCError) -> JSON {
        let result: Result<JSON, RPCError>
        do {
            result = try await threads.runIfActive { () -> Result<JSON, RPCError> in
                Result { () throws(RPCError) -> JSON in try body() }
            }
        } catch {
            throw RPCError.internalError("the node is shutting down")
        }
        return try result.get()
    }
}
