public import NIOCore
public import Primitives

extension RLPx {
    /// Fired as an inbound user event when the handshake completed and the frame
    /// handlers are in place: from then on the channel reads and writes frame data.
    public struct HandshakeCompleted: Sendable, Equatable {
        /// The peer's static public key (node id), proven by the handshake.
        public let remotePublicKey: Secp256k1.PublicKey
        /// The handshake format the peer used.
        public let peerFormat: HandshakeFormat
        /// The version the peer's auth or ack declared.
        public let peerVersion: UInt64
    }

    /// Runs a ``Handshake`` on a channel, then replaces itself with a
    /// ``FrameDecoder`` and ``FrameEncoder`` and fires ``HandshakeCompleted``.
    ///
    /// An initiator writes its auth when the channel becomes active (or at once, if
    /// added to an active channel). Bytes that arrive after the peer's auth or ack
    /// are passed on to the frame decoder. Any handshake error is fired as an
    /// ``RLPxError`` and the channel is closed. Inbound data never reaches later
    /// handlers before the handshake completes. Confined to its channel's event loop.
    /// Handshake deadlines are the caller's (for example an idle-state handler).
    public final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
        public typealias InboundIn = ByteBuffer
        public typealias InboundOut = ByteBuffer
        public typealias OutboundOut = ByteBuffer

        private var handshake: Handshake
        private var buffered: ByteBuffer?
        private var authSent = false
        private var done = false
        private let maximumFrameSize: Int

        /// A handler running `handshake`, whose frame handlers accept frames up to `maximumFrameSize`.
        public init(handshake: Handshake, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            self.handshake = handshake
            self.maximumFrameSize = maximumFrameSize
        }

        public func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { sendAuthIfInitiator(context: context) }
        }

        public func channelActive(context: ChannelHandlerContext) {
            sendAuthIfInitiator(context: context)
            context.fireChannelActive()
        }

        public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !done else { return }
            var chunk = Self.unwrapInboundIn(data)
            if buffered == nil {
                buffered = chunk
            } else {
                buffered?.writeBuffer(&chunk)
            }
            guard var buffer = buffered else { return }
            buffered = nil
            do {
                guard let completion = try handshake.read(&buffer) else {
                    buffered = buffer
                    return
                }
                try complete(context: context, completion: completion, leftover: buffer)
            } catch {
                fail(context: context, error: error)
            }
        }

        private func sendAuthIfInitiator(context: ChannelHandlerContext) {
            guard case .initiator = handshake.role, !authSent, !done else { return }
            authSent = true
            do {
                let auth = try handshake.makeAuth()
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: auth)), promise: nil)
            } catch {
                fail(context: context, error: error)
            }
        }

        private func complete(context: ChannelHandlerContext, completion: consuming Handshake.Completion,
                              leftover: ByteBuffer) throws {
            done = true
            if !completion.reply.isEmpty {
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: completion.reply)),
                                      promise: nil)
            }
            let decoder = ByteToMessageHandler(FrameDecoder(secrets: completion.secrets, maximumFrameSize: maximumFrameSize))
            let encoder = MessageToByteHandler(FrameEncoder(secrets: completion.secrets, maximumFrameSize: maximumFrameSize))
            try context.pipeline.syncOperations.addHandlers([decoder, encoder], position: .after(self))
            context.fireUserInboundEventTriggered(HandshakeCompleted(
                remotePublicKey: completion.secrets.remotePublicKey,
                peerFormat: completion.peerFormat, peerVersion: completion.peerVersion))
            if leftover.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(leftover)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }

        private func fail(context: ChannelHandlerContext, error: any Error) {
            done = true
            buffered = nil
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}
