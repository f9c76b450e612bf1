#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a socket operation failed.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// One end of a host↔enclave connection over a Unix-domain stream socket: whole frames
/// out, whole frames in. Blocking; one caller at a time (the host client serialises).
public final class FramedSocket: @unchecked Sendable {
    private var fd: Int32
    private var decoder = FrameDecoder()
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Takes ownership of a connected socket descriptor.
    public init(descriptor: Int32) { fd = descriptor }

    deinit { close() }

    /// Connects to the enclave listening at `path`.
    public static func connect(path: String, receiveTimeoutSeconds: Int = 30) throws(SocketError) -> FramedSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket(): \(errnoText())") }
        var address = try UnixAddress.make(path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let text = errnoText()
            _ = Glibc.close(fd)
            throw SocketError("connect(\(path)): \(text)")
        }
        if receiveTimeoutSeconds > 0 {
            var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        return FramedSocket(descriptor: fd)
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: [UInt8]) throws(SocketError) {
        guard fd >= 0 else { throw SocketError("connection closed") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress.map { $0 + sent }, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SocketError("send: \(errnoText())")
            }
            sent += n
        }
    }

    /// How long ``receive()`` polls without blocking before it sleeps in `recv`: a reply or
    /// the next request usually comes within microseconds, and a wakeup from a blocking
    /// read costs tens of them on a virtual machine.
    public static let spinBeforeBlocking: Duration = .microseconds(25)

    /// The next frame; nil when the peer closed cleanly between frames.
    public func receive() throws(FrameError) -> RawFrame? {
        while true {
            if let frame = try decoder.next() { return frame }
            guard fd >= 0 else { return nil }
            var n = spin()
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                n = readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 {
                if decoder.hasPartialFrame { throw .truncated }
                return nil
            }
            decoder.append(readBuffer[0..<n])
        }
    }

    /// Non-blocking reads for up to ``spinBeforeBlocking``; the last `recv` result.
    private func spin() -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.spinBeforeBlocking
        while true {
            let n = readBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) || clock.now >= deadline { return n }
        }
    }

    /// Closes the connection (idempotent).
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }
}

/// A listening Unix-domain socket at a path (mode 0600: only the owner may connect).
public final class UnixListener: @unchecked Sendable {
    public let path: String
    private var fd: Int32

    public init(path: String) throws(SocketError) {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket(): \(errnoText())") }
        _ = unlink(path)
        var address = try UnixAddress.make(path)
        let oldMask = umask(0o077)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(oldMask)
        guard rc == 0 else {
            let text = errnoText()
            _ = Glibc.close(fd)
            throw SocketError("bind(\(path)): \(text)")
        }
        guard listen(fd, 16) == 0 else {
            let text = errnoText()
            _ = Glibc.close(fd)
            throw SocketError("listen(\(path)): \(text)")
        }
        self.fd = fd
    }

    deinit { close() }

    /// The next connection; nil once the listener is closed.
    public func accept() -> FramedSocket? {
        while fd >= 0 {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 { return FramedSocket(descriptor: client) }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
        return nil
    }

    /// Stops listening and removes the socket file.
    public func close() {
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            _ = Glibc.close(fd)
            fd = -1
            _ = unlink(path)
        }
    }
}

enum UnixAddress {
    static func make(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw SocketError("socket path of \(bytes.count) bytes; it must be 1 to \(capacity - 1)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return address
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
