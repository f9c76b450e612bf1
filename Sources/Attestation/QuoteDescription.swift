import Primitives

extension Quote {
    /// Every field, one per line (`cloister attest inspect`): name, then value.
    public var fieldLines: [(String, String)] {
        func hex(_ b: [UInt8]) -> String { Hex.encode(b) }
        func report(_ prefix: String, _ r: ReportBody) -> [(String, String)] {
            [(prefix + "cpuSvn", hex(r.cpuSvn)),
             (prefix + "miscSelect", "0x" + String(r.miscSelect, radix: 16)),
             (prefix + "attributes.flags", "0x" + String(r.attributesFlags, radix: 16)
                + " (INIT \(r.attributesFlags & ReportBody.flagInit != 0 ? "set" : "clear"), DEBUG \(r.isDebug ? "set" : "clear"))"),
             (prefix + "attributes.xfrm", "0x" + String(r.attributesXfrm, radix: 16)),
             (prefix + "mrEnclave", r.mrEnclave.description),
             (prefix + "mrSigner", r.mrSigner.description),
             (prefix + "isvProdId", String(r.isvProdId)),
             (prefix + "isvSvn", String(r.isvSvn)),
             (prefix + "reportData", hex(r.reportData))]
        }
        let vendor = QEVendor(id: qeVendorID).map { " (\($0.platform))" } ?? " (unknown vendor)"
        var lines: [(String, String)] = [
            ("header.version", String(version)),
            ("header.attestationKeyType", String(attestationKeyType) + (attestationKeyType == 2 ? " (ECDSA-P256)" : "")),
            ("header.reserved", hex(headerReserved)),
            ("header.qeSvn", String(qeSvn)),
            ("header.pceSvn", String(pceSvn)),
            ("header.qeVendorId", hex(qeVendorID) + vendor),
            ("header.userData", hex(userData)),
        ]
        lines += report("body.", body)
        lines += [("sigData.quoteSignature", hex(signature)), ("sigData.attestationPublicKey", hex(attestationKey))]
        lines += report("sigData.qeReport.", qeReport)
        lines += [("sigData.qeReportSignature", hex(qeReportSignature)),
                  ("sigData.qeAuthData", hex(qeAuthData) + " (\(qeAuthData.count) bytes)"),
                  ("sigData.certDataType", String(certDataType) + (certDataType == 5 ? " (PEM certificate chain)" : "")),
                  ("sigData.certData", "\(certData.count) bytes")]
        return lines
    }
}
