public import EnclaveProtocol
public import Primitives
import Synchronization

/// Why a request to the enclave failed.
public struct EnclaveClientError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    /// The enclave answered with an error reply (it refused), as opposed to a broken link.
    public let refused: Bool
    public init(_ reason: String, refused: Bool = false) { self.reason = reason; self.refused = refused }
    public var description: String { reason }
}

/// The host's connection to its enclave: one request at a time over a ``FramedSocket``,
/// each reply matched to its request id. The host learns only what replies carry —
/// public keys, quotes, signatures — never a secret.
public final class EnclaveClient: Sendable {
    private let state: Mutex<State>

    struct State: ~Copyable {
        var socket: FramedSocket
        var nextID: UInt32 = 1
    }

    /// Connects to the enclave listening at `path`.
    public init(path: String, receiveTimeoutSeconds: Int = 30) throws(EnclaveClientError) {
        do {
            state = Mutex(State(socket: try FramedSocket.connect(path: path, receiveTimeoutSeconds: receiveTimeoutSeconds)))
        } catch { throw EnclaveClientError("cannot reach the enclave: \(error)") }
    }

    deinit { state.withLock { $0.socket.close() } }

    /// Sends one request and waits for its reply. An enclave error reply becomes an error.
    /// `nodes` answers the trie-node requests an execution makes before its final reply.
    public func request(_ request: HostRequest,
                        nodes: ((Hash32) -> [UInt8]?)? = nil) throws(EnclaveClientError) -> EnclaveReply {
        let started = ContinuousClock.now
        let result = exchange(request, nodes: nodes)
        let took = ContinuousClock.now - started
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(let e): outcome = e.refused ? "refused" : "failed"
        }
        EnclaveMetrics.record(request, outcome: outcome, nanoseconds: took.saturatingNanoseconds)
        return try result.get()
    }

    private func exchange(_ request: HostRequest, nodes: ((Hash32) -> [UInt8]?)?) -> Result<EnclaveReply, EnclaveClientError> {
        state.withLock { s in
            let id = s.nextID
            s.nextID &+= 1
            do { try s.socket.send(EnclaveFrame.encode(type: request.type, requestID: id, payload: request.payload)) } catch {
                return .failure(EnclaveClientError("enclave connection: \(error)"))
            }
            do {
                var received = try s.socket.receive()
                var reply = try received.map { try EnclaveReply(frame: $0) }
                // An execution asks for trie nodes before it answers.
                while let frame = received, frame.requestID == id, case .needTrieNode(let hash)? = reply {
                    guard let nodes else { return .failure(EnclaveClientError("the enclave asked for a trie node outside an execution")) }
                    let answer = HostRequest.trieNode(hash: hash, node: nodes(hash) ?? [])
                    try s.socket.send(EnclaveFrame.encode(type: answer.type, requestID: id, payload: answer.payload))
                    received = try s.socket.receive()
                    reply = try received.map { try EnclaveReply(frame: $0) }
                }
                guard let frame = received, let reply else { return .failure(EnclaveClientError("the enclave closed the connection")) }
                if case .error(let code, let message) = reply {
                    return .failure(EnclaveClientError("the enclave refused (\(code)): \(message)", refused: true))
                }
                guard frame.requestID == id else {
                    return .failure(EnclaveClientError("reply to request \(frame.requestID), expected \(id)"))
                }
                return .success(reply)
            } catch {
                return .failure(EnclaveClientError("enclave reply: \(error)"))
            }
        }
    }

    /// Version exchange and liveness.
    public func hello(nonce: UInt64 = UInt64.random(in: 0...UInt64.max)) throws(EnclaveClientError) -> EnclaveStatus {
        guard case .hello(let status) = try request(.hello(protocolVersion: UInt32(EnclaveFrame.version), nonce: nonce)) else {
            throw EnclaveClientError("the enclave answered hello with another message")
        }
        guard status.nonce == nonce else { throw EnclaveClientError("the enclave echoed another nonce") }
        return status
    }

    /// A fresh quote naming `freshness`, with the keys it binds.
    public func evidence(freshness: Hash32) throws(EnclaveClientError) -> EnclaveEvidence {
        guard case .evidence(let evidence) = try request(.getEvidence(freshness: freshness)) else {
            throw EnclaveClientError("the enclave answered getEvidence with another message")
        }
        return evidence
    }

    /// The enclave's signature over the challenge digest (``EnclaveChallenge``).
    public func signChallenge(_ challenge: Hash32) throws(EnclaveClientError) -> [UInt8] {
        guard case .challengeSignature(let signature) = try request(.signChallenge(challenge: challenge)) else {
            throw EnclaveClientError("the enclave answered signChallenge with another message")
        }
        return signature
    }
}
