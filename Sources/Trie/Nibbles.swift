import Primitives

/// Nibble paths and their hex-prefix ("compact") encoding (Yellow Paper appendix C).
///
/// A path is a `[UInt8]` whose elements are nibbles, 0…15, most significant nibble
/// of each key byte first.
public enum Nibbles {
    /// The nibbles of `bytes`, high nibble first.
    @inlinable
    public static func of(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(b >> 4); out.append(b & 0x0f) }
        return out
    }

    /// Packs an even-length nibble path back into bytes.
    public static func bytes(_ nibbles: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(nibbles.count / 2)
        var it = nibbles.makeIterator()
        while let hi = it.next() { out.append(hi << 4 | (it.next() ?? 0)) }
        return out
    }

    /// Hex-prefix encoding: the flag nibble (2 for a leaf, +1 for odd length), then the path.
    public static func compact(_ path: ArraySlice<UInt8>, isLeaf: Bool) -> [UInt8] {
        let odd = path.count % 2 == 1
        let flag: UInt8 = (isLeaf ? 2 : 0) + (odd ? 1 : 0)
        var out = [UInt8]()
        out.reserveCapacity(path.count / 2 + 1)
        var i = path.startIndex
        if odd {
            out.append(flag << 4 | path[i])
            i += 1
        } else {
            out.append(flag << 4)
        }
        while i < path.endIndex {
            out.append(path[i] << 4 | path[i + 1])
            i += 2
        }
        return out
    }

    /// Decodes hex-prefix bytes into the path and whether it ends in a leaf.
    public static func decodeCompact(_ bytes: ArraySlice<UInt8>) throws(TrieError) -> (path: [UInt8], isLeaf: Bool) {
        guard let first = bytes.first else { throw .malformedNode("empty hex-prefix path") }
        let flag = first >> 4
        guard flag <= 3 else { throw .malformedNode("hex-prefix flag \(flag)") }
        let odd = flag & 1 == 1
        if !odd && first & 0x0f != 0 { throw .malformedNode("hex-prefix padding nibble is not zero") }
        var path = [UInt8]()
        path.reserveCapacity(bytes.count * 2)
        if odd { path.append(first & 0x0f) }
        for b in bytes.dropFirst() { path.append(b >> 4); path.append(b & 0x0f) }
        return (path, flag >= 2)
    }

    /// Length of the common prefix of two paths.
    @inlinable
    static func commonPrefixLength(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var n = 0
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex, j < b.endIndex, a[i] == b[j] { n += 1; i += 1; j += 1 }
        return n
    }
}
