public import Primitives
public import ChainTypes

/// The narrow view of stored headers a consensus engine gets: headers by hash,
/// whether or not they are canonical. Implementations must be safe to call from
/// any thread; a header that is not known is `nil`, never an error.
public protocol HeaderReader: Sendable {
    /// The configuration of the chain the headers belong to.
    var config: ChainConfig { get }
    /// The header with this hash, if known.
    func header(hash: Hash32) -> SealedHeader?
}

/// A ``HeaderReader`` over a fixed set of headers (a batch being verified before it
/// is stored, or a test's chain), falling back to another reader for the rest.
public struct BatchHeaderReader: HeaderReader {
    public let config: ChainConfig
    private let headers: [Hash32: SealedHeader]
    private let fallback: (any HeaderReader)?

    public init(config: ChainConfig, headers: [SealedHeader], fallback: (any HeaderReader)? = nil) {
        self.config = config
        var byHash: [Hash32: SealedHeader] = [:]
        for h in headers { byHash[h.hash] = h }
        self.headers = byHash
        self.fallback = fallback
    }

    public func header(hash: Hash32) -> SealedHeader? { headers[hash] ?? fallback?.header(hash: hash) }
}
