/// # P2P
///
/// The devp2p wire stack between Cloister nodes (NETWORK.md): the RLPx transport
/// (EIP-8 ECIES handshake, AES-256-CTR frames with Keccak MACs), the `p2p` v5 base
/// protocol (Hello, Disconnect, Ping/Pong, Snappy), `eth/68`, and the peer set.
///
/// ## Layout
/// - `Handshake/`: ECIES, auth/ack messages (EIP-8 and pre-EIP-8), the derived secrets.
/// - `Framing/`: the frame codec as NIO handlers confined to their event loop.
/// - `Messages/`: `p2p` and `eth/68` messages and their strict RLP codecs, Snappy, the
///   capability table, and EIP-2124 fork ids. Entry points for peer bytes (and fuzzing):
///   ``P2PMessage/decode(id:payload:)``, ``Eth/Message/decode(id:payload:)``,
///   ``Snappy/decompress(_:limit:)``, ``ForkID/init(rlp:)``.
/// - `Identity/`: node ids, EIP-778 node records (``ENR/init(text:)``, ``ENR/init(rlp:)``)
///   and enode URLs (``EnodeURL/parse(_:)``).
///
/// ## Errors
/// Every decoder of peer data returns a typed error or nil; none traps, and every
/// length is checked against its limit before anything is allocated.
public enum P2P {}
