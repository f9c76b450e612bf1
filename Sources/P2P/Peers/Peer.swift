import Foundation
import NIOCore
public import Primitives
import ChainTypes
import Synchronization

/// What the node shows of a connected peer (`admin_peers`).
public struct PeerInfo: Sendable, Equatable {
    public var id: NodeID
    public var clientID: String
    public var inbound: Bool
    public var remoteAddress: String
    public var capabilities: [String]
    public var head: Hash32
    public var totalDifficulty: UInt256
    /// The last ping's round trip (devp2p Ping to Pong), once one was answered.
    public var latency: Duration?
}

/// A set that remembers at most `2 × capacity` recent members (two generations): what
/// a peer is known to have, so nothing is sent to it twice, in bounded memory.
struct RecentSet<Element: Hashable & Sendable>: Sendable {
    let capacity: Int
    private var current: Set<Element> = []
    private var previous: Set<Element> = []

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ e: Element) -> Bool { current.contains(e) || previous.contains(e) }

    mutating func insert(_ e: Element) {
        if current.count >= capacity { previous = current; current = [] }
        current.insert(e)
    }
}

/// One connected peer after Hello and Status: its identity, what it announced, what it
/// is known to have, and its outbound queue.
///
/// Guarantees: messages are written in the order they were sent, by one writer task;
/// at most ``maximumQueued`` messages and ``maximumQueuedBytes`` bytes wait (a peer that
/// does not read is disconnected
/// rather than buffered without bound); every request has a timeout and a requestID
/// that matches one answer only. Thread-safe.
final class Peer: Sendable {
    let id: NodeID
    let hello: Hello
    let inbound: Bool
    let remoteAddress: String
    let table: CapabilityTable
    /// The wire id of eth/68 message 0.
    let ethOffset: UInt64
    /// The wire id of clo/1 message 0, when the peer shares `clo/1`.
    let cloOffset: UInt64?

    static let maximumQueued = 4_096
    /// Bytes of frames waiting for the writer: past this a peer that does not read (while
    /// asking for headers, say) is disconnected. One message of any size is always let
    /// through an empty queue.
    static let maximumQueuedBytes = 16 * 1024 * 1024
    static let knownBlocks = 1_024
    static let knownTransactions = 32_768
    /// Fetches of announced blocks or transactions running at once for this peer; more
    /// announcements wait for the next (a flood of announcements costs bounded work).
    static let maximumFetches = 4

    private struct State: Sendable {
        var head: Hash32
        var totalDifficulty: UInt256
        var knownBlocks = RecentSet<Hash32>(capacity: Peer.knownBlocks)
        var knownTransactions = RecentSet<Hash32>(capacity: Peer.knownTransactions)
        var nextRequestID: UInt64 = 1
        var pending: [UInt64: CheckedContinuation<Eth.Message, any Error>] = [:]
        var pendingSections: [UInt64: CheckedContinuation<[[UInt8]], any Error>] = [:]
        var queued = 0
        var queuedBytes = 0
        var closed = false
        var fetches = 0
        var pingSentAt: ContinuousClock.Instant?
        var latency: Duration?
    }
    private let state: Mutex<State>
    private let outbound: AsyncStream<[UInt8]>.Continuation
    /// Ends the session (closes the channel) — set by the session.
    private let close: @Sendable (DisconnectReason) -> Void

    init(id: NodeID, hello: Hello, inbound: Bool, remoteAddress: String, table: CapabilityTable, ethOffset: UInt64,
         cloOffset: UInt64? = nil, status: Eth.Status, outbound: AsyncStream<[UInt8]>.Continuation, close: @escaping @Sendable (DisconnectReason) -> Void) {
        self.id = id; self.hello = hello; self.inbound = inbound; self.remoteAddress = remoteAddress
        self.table = table; self.ethOffset = ethOffset; self.cloOffset = cloOffset; self.outbound = outbound; self.close = close
        state = Mutex(State(head: status.head, totalDifficulty: status.totalDifficulty))
    }

    var info: PeerInfo {
        let s = state.withLock { ($0.head, $0.totalDifficulty, $0.latency) }
        return PeerInfo(id: id, clientID: hello.clientID, inbound: inbound, remoteAddress: remoteAddress,
                        capabilities: table.capabilities.map(\.description), head: s.0, totalDifficulty: s.1, latency: s.2)
    }

    /// Sends a devp2p Ping and notes when, to measure the round trip.
    func ping() {
        state.withLock { if $0.pingSentAt == nil { $0.pingSentAt = .now } }
        send(.ping)
    }

    /// A Pong arrived: the round trip since the unanswered Ping, if one was sent.
    func receivedPong() {
        state.withLock { s in
            guard let sent = s.pingSentAt else { return }
            s.latency = .now - sent
            s.pingSentAt = nil
        }
    }

    var totalDifficulty: UInt256 { state.withLock { $0.totalDifficulty } }
    var head: Hash32 { state.withLock { $0.head } }

    /// Records what the peer announced as its head (a NewBlock, or a block it served).
    func updateHead(_ hash: Hash32, totalDifficulty td: UInt256) {
        state.withLock { s in
            if td > s.totalDifficulty { s.head = hash; s.totalDifficulty = td }
        }
    }

    func knows(block hash: Hash32) -> Bool { state.withLock { $0.knownBlocks.contains(hash) } }
    func markBlock(_ hash: Hash32) { state.withLock { $0.knownBlocks.insert(hash) } }
    func knows(transaction hash: Hash32) -> Bool { state.withLock { $0.knownTransactions.contains(hash) } }
    func markTransaction(_ hash: Hash32) { state.withLock { $0.knownTransactions.insert(hash) } }

    /// Claims a fetch slot; false when ``maximumFetches`` are running (skip the fetch).
    func beginFetch() -> Bool {
        state.withLock { s in
            guard s.fetches < Self.maximumFetches else { return false }
            s.fetches += 1
            return true
        }
    }

    func endFetch() { state.withLock { $0.fetches -= 1 } }

    // MARK: Sending

    /// Queues an eth/68 message; a peer whose queue is full is disconnected.
    func send(_ message: Eth.Message) {
        let frame = PeerWire.frame(id: ethOffset + message.id.rawValue, payload: message.payload, snappy: true)
        P2PMetrics.sent(bytes: frame.count, baseProtocol: false)
        enqueue(frame)
    }

    /// Queues a clo/1 message (nothing when the peer does not share `clo/1`).
    func send(_ message: Clo.Message) {
        guard let cloOffset else { return }
        let frame = PeerWire.frame(id: cloOffset + message.id.rawValue, payload: message.payload, snappy: true)
        P2PMetrics.sent(bytes: frame.count, baseProtocol: false)
        enqueue(frame)
    }

    /// Queues a base-protocol message.
    func send(_ message: P2PMessage) {
        let frame = PeerWire.frame(id: message.id.rawValue, payload: message.payload, snappy: true)
        P2PMetrics.sent(bytes: frame.count, baseProtocol: true)
        enqueue(frame)
    }

    /// The queue's writer took one message of `bytes` bytes off.
    func dequeued(bytes: Int) { state.withLock { $0.queued -= 1; $0.queuedBytes -= bytes } }

    /// Messages and bytes waiting for the writer.
    var queueLength: (messages: Int, bytes: Int) { state.withLock { ($0.queued, $0.queuedBytes) } }

    private func enqueue(_ frame: [UInt8]) {
        let overflow = state.withLock { s -> Bool in
            if s.closed { return false }
            if s.queued >= Self.maximumQueued || (s.queued > 0 && s.queuedBytes + frame.count > Self.maximumQueuedBytes) {
                return true
            }
            s.queued += 1
            s.queuedBytes += frame.count
            return false
        }
        if overflow { disconnect(.uselessPeer); return }
        outbound.yield(frame)
    }

    /// Sends Disconnect (best effort) and closes the session.
    func disconnect(_ reason: DisconnectReason) {
        let first = state.withLock { s -> Bool in let was = s.closed; s.closed = true; return !was }
        guard first else { return }
        outbound.yield(PeerWire.frame(id: P2PMessage.ID.disconnect.rawValue,
                                      payload: P2PMessage.disconnect(reason).payload, snappy: true))
        close(reason)
    }

    // MARK: Requests

    /// Sends the request `make` builds with a fresh request id and waits for its answer.
    func request(timeout: Duration = .seconds(10), _ make: @Sendable (UInt64) -> Eth.Message) async throws -> Eth.Message {
        let id = state.withLock { s -> UInt64 in let id = s.nextRequestID; s.nextRequestID &+= 1; return id }
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.fail(request: id, with: PeerError.timeout("request \(id)"))
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let closed = state.withLock { s -> Bool in
                if s.closed { return true }
                s.pending[id] = continuation
                return false
            }
            if closed { continuation.resume(throwing: PeerError.closed); return }
            send(make(id))
        }
    }

    /// Asks for the sections of `hashes` over `clo/1`; one item per hash, empty where the
    /// peer has none. Throws when the peer does not share `clo/1`, times out or closes.
    func requestSections(_ hashes: [Hash32], timeout: Duration = .seconds(10)) async throws -> [[UInt8]] {
        guard cloOffset != nil else { throw PeerError.protocolBreach("the peer does not speak clo/1, so it cannot serve confidential sections") }
        let id = state.withLock { s -> UInt64 in let id = s.nextRequestID; s.nextRequestID &+= 1; return id }
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.state.withLock { $0.pendingSections.removeValue(forKey: id) }?.resume(throwing: PeerError.timeout("request \(id)"))
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let closed = state.withLock { s -> Bool in
                if s.closed { return true }
                s.pendingSections[id] = continuation
                return false
            }
            if closed { continuation.resume(throwing: PeerError.closed); return }
            send(Clo.Message.getSections(Clo.GetSections(requestID: id, hashes: hashes)))
        }
    }

    /// Hands a Sections answer to the request waiting for it; false when none is.
    func deliverSections(requestID: UInt64, _ sections: [[UInt8]]) -> Bool {
        guard let c = state.withLock({ $0.pendingSections.removeValue(forKey: requestID) }) else { return false }
        c.resume(returning: sections)
        return true
    }

    /// Hands an answer to the request waiting for it; false when none is (unsolicited).
    func deliver(requestID: UInt64, _ message: Eth.Message) -> Bool {
        guard let c = state.withLock({ $0.pending.removeValue(forKey: requestID) }) else { return false }
        c.resume(returning: message)
        return true
    }

    private func fail(request id: UInt64, with error: any Error) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: error)
    }

    /// Fails every waiting request (the session ended).
    func failAll() {
        let (waiting, sections) = state.withLock { s in
            s.closed = true
            let w = Array(s.pending.values), v = Array(s.pendingSections.values)
            s.pending = [:]; s.pendingSections = [:]
            return (w, v)
        }
        for c in waiting { c.resume(throwing: PeerError.closed) }
        for c in sections { c.resume(throwing: PeerError.closed) }
        outbound.finish()
    }
}
