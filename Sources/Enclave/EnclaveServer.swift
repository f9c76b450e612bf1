import Foundation
public import EnclaveProtocol
import Synchronization

/// Serves an ``EnclaveService`` on a Unix-domain socket: one thread per connection (at most
/// ``maximumConnections``), frames in order, a reply per request. A bad frame gets an error
/// reply and closes its connection; the enclave itself never stops on input.
public final class EnclaveServer: Sendable {
    public static let maximumConnections = 16

    let service: EnclaveService
    let listener: UnixListener
    private let open = Mutex(0)

    public init(service: EnclaveService, listener: UnixListener) {
        self.service = service
        self.listener = listener
    }

    /// Accepts connections until the listener closes.
    public func run() {
        while let connection = listener.accept() {
            let admitted = open.withLock { n -> Bool in
                guard n < Self.maximumConnections else { return false }
                n += 1
                return true
            }
            guard admitted else {
                let refusal = EnclaveReply.error(code: .internalFailure, message: "too many connections (\(Self.maximumConnections))")
                try? connection.send(EnclaveFrame.encode(type: refusal.type, requestID: 0, payload: refusal.payload))
                connection.close()
                continue
            }
            Thread.detachNewThread { [self] in
                serve(connection)
                open.withLock { $0 -= 1 }
            }
        }
    }

    /// Answers one connection's requests until it closes or sends a bad frame.
    public func serve(_ connection: FramedSocket) {
        defer { connection.close() }
        while true {
            let frame: RawFrame?
            do { frame = try connection.receive() } catch {
                let reply = EnclaveService.reply(to: error)
                try? connection.send(EnclaveFrame.encode(type: reply.type, requestID: 0, payload: reply.payload))
                return
            }
            guard let frame else { return }
            // Within an execution the enclave asks the host for trie nodes on this connection,
            // under the request's id; a broken exchange voids the request and closes the link.
            var broken = false
            let nodes: EnclaveService.NodeChannel = { hash in
                do {
                    let ask = EnclaveReply.needTrieNode(hash)
                    try connection.send(EnclaveFrame.encode(type: ask.type, requestID: frame.requestID, payload: ask.payload))
                    guard let answer = try connection.receive(), answer.requestID == frame.requestID,
                          case .trieNode(let got, let node) = try HostRequest(frame: answer), got == hash else {
                        throw EnclaveServerError("the host did not answer the trie node request")
                    }
                    return node.isEmpty ? nil : node
                } catch {
                    broken = true
                    throw error
                }
            }
            let (reply, closeAfter) = service.handle(frame: frame, nodes: nodes)
            let close = closeAfter || broken
            do { try connection.send(EnclaveFrame.encode(type: reply.type, requestID: frame.requestID, payload: reply.payload)) } catch {
                return
            }
            if close { return }
        }
    }
}

/// The host broke an exchange within a request.
struct EnclaveServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
