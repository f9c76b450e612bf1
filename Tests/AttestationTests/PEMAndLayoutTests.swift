import Testing
import Foundation
import Primitives
import Attestation

@Suite struct PEMAndLayoutTests {
    @Test func strictPEMRoundTripsAndRefusesEverythingElse() throws {
        let ders: [[UInt8]] = [Array(repeating: 0x30, count: 100), Array(0..<200).map { UInt8($0) }, [1, 2, 3]]
        let pem = StrictPEM.encode(ders)
        #expect(try StrictPEM.decode(pem).get() == ders)
        #expect(try StrictPEM.decode(pem + [0]).get() == ders)  // one trailing NUL
        #expect((try? StrictPEM.decode(pem + [0, 0]).get()) == nil)
        #expect((try? StrictPEM.decode(pem + [0x0A]).get()) == nil)
        let text = String(decoding: pem, as: UTF8.self)
        for bad in [text.replacingOccurrences(of: "\n", with: "\r\n"),
                    text.replacingOccurrences(of: "-----END CERTIFICATE-----\n-----BEGIN", with: "-----END CERTIFICATE-----\n\n-----BEGIN"),
                    text.replacingOccurrences(of: "BEGIN CERTIFICATE", with: "BEGIN X509 CERTIFICATE"),
                    String(text.dropLast())] {
            #expect((try? StrictPEM.decode(Array(bad.utf8)).get()) == nil)
        }
        // Lines of another width are refused even though the base64 is the same.
        let body = Data(ders[1]).base64EncodedString()
        let wide = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n"
        #expect((try? StrictPEM.decode(Array(wide.utf8)).get()) == nil)
    }

    @Test func reportBodyFieldsSitAtTheirOffsets() {
        var body = ReportBody()
        body.isvProdId = 0x0102
        body.isvSvn = 0x0304
        body.attributesFlags = 3
        body.mrEnclave = Hash32(Array(repeating: 0xEE, count: 32))!
        #expect(body.bytes[256] == 0x02 && body.bytes[257] == 0x01)  // little-endian
        #expect(body.bytes[258] == 0x04 && body.bytes[259] == 0x03)
        #expect(body.bytes[48] == 3 && body.isDebug)
        #expect(body.bytes[64] == 0xEE && body.bytes[95] == 0xEE && body.bytes[96] == 0)
    }

    @Test func theQuoteLayoutHasIntelsSizes() throws {
        let f = try QuoteFixture()
        let bytes = f.quote.bytes
        #expect(bytes[0] == 3 && bytes[1] == 0 && bytes[2] == 2 && bytes[3] == 0)
        #expect(Array(bytes[12..<28]) == Array("CLOISTER-SIM-QE1".utf8))
        let sigLength = Int(bytes[432]) | Int(bytes[433]) << 8 | Int(bytes[434]) << 16 | Int(bytes[435]) << 24
        #expect(sigLength == bytes.count - 436)
        #expect(sigLength == 64 + 64 + 384 + 64 + 2 + 3 + 2 + 4 + f.quote.certData.count)
        #expect(f.quote.fieldLines.count > 30)
    }
}
