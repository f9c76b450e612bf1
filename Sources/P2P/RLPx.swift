/// The RLPx transport (devp2p `rlpx.md`, EIP-8): the ECIES handshake that proves
/// both node keys and agrees on session secrets, then AES-256-CTR frames
/// authenticated by running Keccak-256 MACs.
///
/// - ``Handshake``: the auth/ack state machine (bytes in → bytes out, then ``Secrets``).
/// - ``FrameWriter`` / ``FrameReader``: one direction of framing each, pure and synchronous.
/// - ``FrameCodec``: both directions over byte arrays (tests, tools, fuzzing).
/// - ``FrameEncoder`` / ``FrameDecoder``: the NIO handlers around writer and reader.
/// - ``HandshakeHandler``: runs the handshake on a channel, then installs the frame
///   handlers and fires ``HandshakeCompleted`` (with the peer's node key).
///
/// Every value here is used by one owner at a time (a NIO handler on its event
/// loop); none locks. Peer bytes never trap: every failure is an ``RLPxError``.
public enum RLPx {
    /// The largest auth or ack message accepted, size prefix included. EIP-8 messages
    /// from real clients are 300–600 bytes; the format allows up to 65,537.
    public static let maximumHandshakeMessageSize = 4096

    /// The largest frame a reader accepts and a writer sends by default: 16 MiB,
    /// the devp2p message limit (the 24-bit size field stops one byte short of it).
    public static let maximumFrameSize = 16 * 1024 * 1024
}
