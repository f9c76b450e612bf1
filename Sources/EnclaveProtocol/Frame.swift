/// The host↔enclave wire (CONFIDENTIAL.md section 9): length-prefixed, versioned frames over
/// a Unix-domain socket.
///
/// `frame = u32be(bodyLength) ‖ body`, `body = u8(version) ‖ u8(type) ‖ u32be(requestID) ‖
/// payload`, the payload a message's RLP. A reply carries its request's id. Bodies above
/// ``maximumBodySize`` and anything but ``version`` are refused before the payload is read.
public enum EnclaveFrame {
    /// The one protocol version v1 speaks.
    public static let version: UInt8 = 1
    /// The largest body either side accepts (16 MiB).
    public static let maximumBodySize = 16 << 20
    /// `version ‖ type ‖ requestID`.
    public static let bodyHeaderSize = 6

    /// The frame of one message.
    public static func encode(type: UInt8, requestID: UInt32, payload: [UInt8]) -> [UInt8] {
        let bodyLength = bodyHeaderSize + payload.count
        var out: [UInt8] = []
        out.reserveCapacity(4 + bodyLength)
        appendBE(UInt32(truncatingIfNeeded: bodyLength), to: &out)
        out.append(version)
        out.append(type)
        appendBE(requestID, to: &out)
        out.append(contentsOf: payload)
        return out
    }

    static func appendBE(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v >> 24)); out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 8)); out.append(UInt8(truncatingIfNeeded: v))
    }
}

/// One frame as read off the socket, before its payload is decoded.
public struct RawFrame: Sendable, Equatable {
    public let type: UInt8
    public let requestID: UInt32
    public let payload: [UInt8]

    public init(type: UInt8, requestID: UInt32, payload: [UInt8]) {
        self.type = type; self.requestID = requestID; self.payload = payload
    }
}

/// Why a frame or a message was refused. The side that refuses answers with an error
/// reply (where it can) and closes the connection.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The length prefix names more than ``EnclaveFrame/maximumBodySize`` bytes.
    case oversized(Int)
    /// A body shorter than its 6-byte header.
    case truncatedBody(Int)
    case unknownVersion(UInt8)
    case unknownType(UInt8)
    /// The payload is not the message's RLP.
    case malformedPayload(type: UInt8, reason: String)
    /// The connection ended inside a frame.
    case truncated

    public var description: String {
        switch self {
        case .oversized(let n): "frame of \(n) bytes, more than \(EnclaveFrame.maximumBodySize)"
        case .truncatedBody(let n): "frame body of \(n) bytes, shorter than its 6-byte header"
        case .unknownVersion(let v): "unknown protocol version \(v) (this side speaks \(EnclaveFrame.version))"
        case .unknownType(let t): "unknown message type 0x\(String(t, radix: 16))"
        case .malformedPayload(let t, let reason): "malformed payload of message 0x\(String(t, radix: 16)): \(reason)"
        case .truncated: "connection ended inside a frame"
        }
    }
}

/// Splits a byte stream into frames. Feed it what the socket gives; take frames while
/// ``next()`` returns them. It holds at most one partial frame.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes read from the socket.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished frame are held.
    public var hasPartialFrame: Bool { start < buffer.count }

    /// The next whole frame, nil when more bytes are needed; throws on a frame that can
    /// never be valid (oversized, unknown version, body shorter than its header).
    public mutating func next() throws(FrameError) -> RawFrame? {
        guard buffer.count - start >= 4 else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        guard length <= EnclaveFrame.maximumBodySize else { throw .oversized(length) }
        guard length >= EnclaveFrame.bodyHeaderSize else { throw .truncatedBody(length) }
        let version = buffer.count - start > 4 ? buffer[start + 4] : EnclaveFrame.version
        guard version == EnclaveFrame.version else { throw .unknownVersion(version) }
        guard buffer.count - start >= 4 + length else { return nil }
        let b = start + 4
        let type = buffer[b + 1]
        let id = UInt32(buffer[b + 2]) << 24 | UInt32(buffer[b + 3]) << 16 | UInt32(buffer[b + 4]) << 8 | UInt32(buffer[b + 5])
        let payload = Array(buffer[(b + EnclaveFrame.bodyHeaderSize)..<(b + length)])
        start = b + length
        if start > 1 << 16 { buffer.removeFirst(start); start = 0 }
        return RawFrame(type: type, requestID: id, payload: payload)
    }
}
