import Foundation

/// Strict PEM certificate lists (RFC 7468, as CONFIDENTIAL.md section 3 fixes them): for
/// each certificate `-----BEGIN CERTIFICATE-----` LF, base64 lines of 64 characters (the
/// last one shorter or equal) each ending in LF, `-----END CERTIFICATE-----` LF; blocks
/// back to back; one trailing NUL tolerated.
///
/// Parsing accepts only text that ``encode(_:)`` would write for the same DER, so there is
/// exactly one accepted encoding of every list.
public enum StrictPEM {
    static let begin = Array("-----BEGIN CERTIFICATE-----\n".utf8)
    static let end = Array("-----END CERTIFICATE-----\n".utf8)

    /// The PEM text of DER certificates, in order.
    public static func encode(_ certificates: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for der in certificates {
            out.append(contentsOf: begin)
            let text = Array(Data(der).base64EncodedString().utf8)
            var i = 0
            while i < text.count {
                let j = min(i + 64, text.count)
                out.append(contentsOf: text[i..<j])
                out.append(0x0A)
                i = j
            }
            out.append(contentsOf: end)
        }
        return out
    }

    /// The DER certificates of a strict PEM list; a reason on anything else.
    public static func decode(_ input: [UInt8]) -> Result<[[UInt8]], PlatformError> {
        var text = input[...]
        if text.last == 0 { text = text.dropLast() }
        var certificates: [[UInt8]] = []
        while !text.isEmpty {
            guard text.starts(with: begin) else {
                return .failure(PlatformError("certificate \(certificates.count + 1): expected \"-----BEGIN CERTIFICATE-----\" and LF"))
            }
            text = text.dropFirst(begin.count)
            guard let endAt = find(end, in: text) else {
                return .failure(PlatformError("certificate \(certificates.count + 1): no \"-----END CERTIFICATE-----\" line ending in LF"))
            }
            let body = Array(text[text.startIndex..<endAt])
            text = text[(endAt + end.count)...]
            let base64 = body.filter { $0 != 0x0A }
            guard let der = Data(base64Encoded: Data(base64)), !der.isEmpty else {
                return .failure(PlatformError("certificate \(certificates.count + 1): not base64"))
            }
            let bytes = Array(der)
            guard encode([bytes]) == begin + body + end else {
                return .failure(PlatformError("certificate \(certificates.count + 1): not strict PEM (lines of 64 base64 characters, each ending in LF, canonical padding)"))
            }
            certificates.append(bytes)
        }
        return .success(certificates)
    }

    private static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
