public import NIOCore
public import NIOPosix
public import P2P
public import Primitives

/// A scripted devp2p peer for tests and benchmarks of a node's defences: it completes the
/// RLPx handshake, says Hello, echoes the node's Status back (so it is admitted to any
/// chain), and then sends whatever the test scripts — well-formed messages, malformed
/// ones, raw bytes under the framing — or stops reading altogether.
///
/// One task drives it; it is not `Sendable`.
public final class HostilePeer {
    /// The node's frames, as they arrive (message id and payload, undecoded), with the
    /// time each arrived.
    private var frames: AsyncStream<Arrived>.AsyncIterator
    private let input: AsyncStream<Arrived>.Continuation
    /// When the frame ``next()`` or ``nextEth(within:)`` returned last arrived.
    public private(set) var lastArrival = ContinuousClock.now
    private let channel: any Channel
    private let tap: RawTap
    public let key: Secp256k1.PrivateKey
    /// Whether Hello has been exchanged (messages after it are Snappy-compressed).
    private var snappy = false
    /// The node's Status, once received.
    public private(set) var status: Eth.Status?

    /// Connects to `127.0.0.1:port` and completes the RLPx handshake with `remote`.
    public init(port: Int, remote: Secp256k1.PublicKey, key: Secp256k1.PrivateKey = Secp256k1.PrivateKey(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let (stream, input) = AsyncStream<Arrived>.makeStream(bufferingPolicy: .unbounded)
        let tap = RawTap()
        let collector = Collector(input)
        let handshake = RLPx.Handshake(role: .initiator(remote: remote), staticKey: key)
        channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(tap, RLPx.HandshakeHandler(handshake: handshake), collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        self.tap = tap
        self.key = key
        self.input = input
        frames = stream.makeAsyncIterator()
        try await collector.handshakeDone.futureResult.get()
    }

    /// Says Hello (eth/68) and waits for the node's Hello, then its Status, which it
    /// sends back unchanged. Throws ``Refused`` when the node closes first.
    public func join() async throws {
        let hello = Hello(clientID: "Hostile/test", capabilities: [Capability(name: "eth", version: 68)],
                          listenPort: 0, nodeID: NodeID(publicKey: key.publicKey))
        do {
            try await sendFrame(id: P2PMessage.ID.hello.rawValue, payload: P2PMessage.hello(hello).payload)
        } catch {
            throw Refused()  // closed by the node before Hello
        }
        guard let first = await next(), let (id, _) = try? PeerWire.parse(first, snappy: false),
              id == P2PMessage.ID.hello.rawValue else { throw Refused() }
        snappy = true
        while let frame = await next() {
            guard let (id, payload) = try? PeerWire.parse(frame, snappy: true) else { throw Refused() }
            if id == P2PMessage.reservedMessageIDs + Eth.MessageID.status.rawValue,
               case .status(let s) = try Eth.Message.decode(id: Eth.MessageID.status.rawValue, payload: payload) {
                status = s
                do { try await send(.status(s)) } catch { throw Refused() }
                return
            }
        }
        throw Refused()
    }

    /// The node closed the connection before admitting this peer.
    public struct Refused: Error {}

    /// Sends an eth/68 message (at the standard offset 0x10).
    public func send(_ message: Eth.Message) async throws {
        try await sendFrame(id: P2PMessage.reservedMessageIDs + message.id.rawValue, payload: message.payload)
    }

    /// Sends one frame holding message `id` with `payload` (compressed once Hello is done).
    public func sendFrame(id: UInt64, payload: [UInt8]) async throws {
        try await sendFrame(PeerWire.frame(id: id, payload: payload, snappy: snappy))
    }

    /// Sends `contents` as one correctly framed and MACed RLPx frame, whatever they hold.
    public func sendFrame(_ contents: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: contents))
    }

    /// Writes `bytes` under the framing (no encryption, no MAC).
    public func sendRaw(_ bytes: [UInt8]) async throws {
        let tap = self.tap
        try await channel.eventLoop.flatSubmit { tap.write(ByteBuffer(bytes: bytes)) }.get()
    }

    /// Stops (or resumes) reading from the socket: the node's writes then back up.
    /// Does nothing once the connection is closed.
    public func setReading(_ on: Bool) async {
        guard (try? await channel.setOption(ChannelOptions.autoRead, value: on).get()) != nil else { return }
        if on { channel.read() }
    }

    /// The next frame's contents, or nil once the connection is closed.
    public func next() async -> [UInt8]? {
        while let arrived = await frames.next() {
            if !arrived.frame.isEmpty { lastArrival = arrived.at; return arrived.frame }  // empty: a stale deadline tick
        }
        return nil
    }

    /// What waiting for a frame until a deadline gave.
    private enum Arrival { case frame([UInt8]), closed, timedOut }

    private func next(before deadline: ContinuousClock.Instant) async -> Arrival {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .timedOut }
        let (seconds, attoseconds) = remaining.components
        let input = self.input
        // Frames are never empty (they hold a message id): an empty one is the deadline's tick.
        let tick = channel.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
            input.yield(Arrived(frame: [], at: .now))
        }
        defer { tick.cancel() }
        while true {
            guard let arrived = await frames.next() else { return .closed }
            if !arrived.frame.isEmpty { lastArrival = arrived.at; return .frame(arrived.frame) }
            if ContinuousClock.now >= deadline { return .timedOut }
        }
    }

    /// The next eth/68 message within `seconds`; nil when the connection closes or time
    /// runs out. Base-protocol messages (Ping and the like) are skipped.
    public func nextEth(within seconds: Double) async -> Eth.Message? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while case .frame(let frame) = await next(before: deadline) {
            guard let (id, payload) = try? PeerWire.parse(frame, snappy: snappy) else { continue }
            if id >= P2PMessage.reservedMessageIDs,
               let m = try? Eth.Message.decode(id: id - P2PMessage.reservedMessageIDs, payload: payload) {
                return m
            }
        }
        return nil
    }

    /// Whether the node closes the connection within `seconds` (frames before that are dropped).
    public func closedByNode(within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            switch await next(before: deadline) {
            case .frame: continue
            case .closed: return true
            case .timedOut: return false
            }
        }
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Writes raw bytes at the head of the pipeline, under the RLPx frame encoder.
final class RawTap: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// On the channel's event loop.
    func write(_ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard let context else { preconditionFailure("RawTap: not in a pipeline") }
        return context.writeAndFlush(NIOAny(buffer))
    }
}

/// One frame from the node and when it arrived.
struct Arrived: Sendable {
    let frame: [UInt8]
    let at: ContinuousClock.Instant
}

/// Hands the node's frames to the peer's stream and reports the end of the handshake.
final class Collector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let input: AsyncStream<Arrived>.Continuation
    private var promise: EventLoopPromise<Void>?
    var handshakeDone: EventLoopPromise<Void> {
        guard let promise else { preconditionFailure("Collector: not in a pipeline") }
        return promise
    }

    init(_ input: AsyncStream<Arrived>.Continuation) { self.input = input }

    func handlerAdded(context: ChannelHandlerContext) { promise = context.eventLoop.makePromise() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RLPx.HandshakeCompleted { promise?.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        input.yield(Arrived(frame: buffer.readBytes(length: buffer.readableBytes) ?? [], at: .now))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        input.finish()
        context.fireChannelInactive()
    }
}
