import NIOCore

/// Turns the RLPx handshake's outcome into a future, and bounds its time: the future
/// fails and the channel closes if the handshake has not completed within `timeout`.
/// Reads pass through unchanged. Confined to its channel's event loop.
final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let promise: EventLoopPromise<RLPx.HandshakeCompleted>
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var done = false

    init(promise: EventLoopPromise<RLPx.HandshakeCompleted>, timeout: TimeAmount = .seconds(10)) {
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.finish(.failure(PeerError.timeout("RLPx handshake")))
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let completed = event as? RLPx.HandshakeCompleted { finish(.success(completed)) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(PeerError.closed))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<RLPx.HandshakeCompleted, any Error>) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.completeWith(result)
    }
}

/// Closes a connection that has been silent for the read timeout (a dead peer or one
/// that stopped mid-message); the session then ends and its peer is removed.
final class ReadTimeoutCloser: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
