public import Foundation
public import Crypto
public import X509
import SwiftASN1
public import Primitives

/// The security versions a simulated platform reports (the values a real CPU, PCE and
/// quoting enclave would): `cpuSvn` (16 bytes), `pceSvn`, `qeSvn`.
public struct PlatformTCB: Sendable, Hashable {
    public var cpuSvn: [UInt8]
    public var pceSvn: UInt16
    public var qeSvn: UInt16

    public init(cpuSvn: [UInt8] = [UInt8](repeating: 1, count: 16), pceSvn: UInt16 = 1, qeSvn: UInt16 = 1) {
        self.cpuSvn = cpuSvn; self.pceSvn = pceSvn; self.qeSvn = qeSvn
    }
}

/// A simulated attestation root (CONFIDENTIAL.md section 3): a self-signed ECDSA P-256 CA,
/// made once per network. Only the hash of its key (``trustAnchor``) goes into genesis;
/// its private key stays with whoever provisions machines.
public struct SimulatedRoot: Sendable {
    public let privateKey: P256.Signing.PrivateKey
    public let certificate: Certificate

    /// A new root, valid from `notBefore` to `notAfter`.
    public static func create(notBefore: Date, notAfter: Date, commonName: String = "Cloister simulated SGX root",
                              key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) throws(PlatformError) -> SimulatedRoot {
        do {
            let name = try DistinguishedName {
                OrganizationName("Cloister (simulated platform: proves the protocol, not confidentiality)")
                CommonName(commonName)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                },
                issuerPrivateKey: Certificate.PrivateKey(key))
            return SimulatedRoot(privateKey: key, certificate: certificate)
        } catch { throw PlatformError("cannot make the root certificate: \(error)") }
    }

    public init(privateKey: P256.Signing.PrivateKey, certificate: Certificate) {
        self.privateKey = privateKey
        self.certificate = certificate
    }

    /// A root read back from its key and certificate PEM files' contents.
    public init(keyPEM: String, certificatePEM: String) throws(PlatformError) {
        do {
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch { throw PlatformError("not a simulated root key and certificate: \(error)") }
        guard P256.Signing.PublicKey(certificate.publicKey)?.rawRepresentation == privateKey.publicKey.rawRepresentation else {
            throw PlatformError("the root key does not match the root certificate")
        }
    }

    /// `trustAnchors["simulated-sgx"]`: `sha256` of the root's SubjectPublicKeyInfo DER.
    public var trustAnchor: Hash32 { QuoteVerifier.spkiHash(privateKey.publicKey) }

    /// The root key as PKCS#8 PEM (a secret: keep it off machines that run nodes).
    public var keyPEM: String { privateKey.pemRepresentation }

    /// The root certificate as strict PEM.
    public var certificatePEM: String { String(decoding: StrictPEM.encode([certificate.derBytes]), as: UTF8.self) }

    /// A new platform certificate and key for one machine, signed by this root (through
    /// `intermediates`, if any, each a CA signed by the next; tests use them).
    public func issuePlatform(notBefore: Date, notAfter: Date, tcb: PlatformTCB = PlatformTCB(),
                              intermediates: [SimulatedRoot] = [],
                              key: P256.Signing.PrivateKey = P256.Signing.PrivateKey(),
                              extraExtensions: [Certificate.Extension] = []) throws(PlatformError) -> PlatformCredentials {
        let issuer = intermediates.first ?? self
        do {
            let serial = Certificate.SerialNumber()
            let subject = try DistinguishedName {
                OrganizationName("Cloister (simulated platform: proves the protocol, not confidentiality)")
                CommonName("Cloister simulated SGX platform \(Hex.encode(Array(serial.bytes), prefix: false))")
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: serial, publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer.certificate.subject, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions(
                    [try Critical(BasicConstraints.notCertificateAuthority).makeCertificateExtension(),
                     try Critical(KeyUsage(digitalSignature: true)).makeCertificateExtension()] + extraExtensions),
                issuerPrivateKey: Certificate.PrivateKey(issuer.privateKey))
            let chain = [certificate.derBytes] + intermediates.map(\.certificate.derBytes) + [self.certificate.derBytes]
            return PlatformCredentials(privateKey: key, chain: chain, tcb: tcb)
        } catch { throw PlatformError("cannot make the platform certificate: \(error)") }
    }

    /// A CA certificate signed by this root (an intermediate, for tests of longer chains).
    public func issueIntermediate(notBefore: Date, notAfter: Date, isCA: Bool = true,
                                  commonName: String = "Cloister simulated SGX intermediate") throws(PlatformError) -> SimulatedRoot {
        let key = P256.Signing.PrivateKey()
        do {
            let subject = try DistinguishedName { CommonName(commonName) }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: self.certificate.subject, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    if isCA {
                        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    } else {
                        Critical(BasicConstraints.notCertificateAuthority)
                    }
                },
                issuerPrivateKey: Certificate.PrivateKey(self.privateKey))
            return SimulatedRoot(privateKey: key, certificate: certificate)
        } catch { throw PlatformError("cannot make the intermediate certificate: \(error)") }
    }
}

/// One machine's simulated platform material: the platform key (standing for the CPU's
/// fused keys, so a secret), its certificate chain (platform … root, DER) and the TCB the
/// platform reports. Handed to the enclave process only.
public struct PlatformCredentials: Sendable {
    public let privateKey: P256.Signing.PrivateKey
    public let chain: [[UInt8]]
    public let tcb: PlatformTCB

    public init(privateKey: P256.Signing.PrivateKey, chain: [[UInt8]], tcb: PlatformTCB) {
        self.privateKey = privateKey; self.chain = chain; self.tcb = tcb
    }

    /// The chain as the quote's certification data (strict PEM).
    public var certificationData: [UInt8] { StrictPEM.encode(chain) }

    /// The platform file (`cloister attest platform --out FILE`): JSON with the key as PKCS#8
    /// PEM, the chain as strict PEM, and the TCB. Secret: write it with mode 0600.
    public var fileContents: [UInt8] {
        let object: [String: Any] = [
            "platform": QEVendor.simulated.platform,
            "privateKey": privateKey.pemRepresentation,
            "certificates": String(decoding: certificationData, as: UTF8.self),
            "cpuSvn": Hex.encode(tcb.cpuSvn),
            "pceSvn": Int(tcb.pceSvn),
            "qeSvn": Int(tcb.qeSvn),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// Reads a platform file.
    public init(fileContents bytes: [UInt8]) throws(PlatformError) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw PlatformError("the platform file is not a JSON object")
        }
        guard object["platform"] as? String == QEVendor.simulated.platform else {
            throw PlatformError("the platform file is not for \"\(QEVendor.simulated.platform)\"")
        }
        guard let keyPEM = object["privateKey"] as? String,
              let key = try? P256.Signing.PrivateKey(pemRepresentation: keyPEM) else {
            throw PlatformError("platform file: privateKey is not a P-256 PKCS#8 PEM key")
        }
        guard let chainText = object["certificates"] as? String else { throw PlatformError("platform file: certificates missing") }
        let chain: [[UInt8]]
        switch StrictPEM.decode(Array(chainText.utf8)) {
        case .success(let list): chain = list
        case .failure(let error): throw PlatformError("platform file: certificates: \(error.reason)")
        }
        guard chain.count >= 2, let first = try? Certificate(derEncoded: chain[0]),
              P256.Signing.PublicKey(first.publicKey)?.rawRepresentation == key.publicKey.rawRepresentation else {
            throw PlatformError("platform file: the first certificate does not hold the platform key")
        }
        guard let cpuText = object["cpuSvn"] as? String, let cpuSvn = try? Hex.decode(cpuText), cpuSvn.count == 16 else {
            throw PlatformError("platform file: cpuSvn is not 16 bytes of hex")
        }
        func svn(_ key: String) -> UInt16? {
            // An integer only: not a boolean, not a fraction.
            guard let n = object[key] as? NSNumber, !String(describing: type(of: n)).contains("Boolean"),
                  n.stringValue.allSatisfy(\.isNumber) else { return nil }
            return UInt16(n.stringValue)
        }
        guard let pceSvn = svn("pceSvn"), let qeSvn = svn("qeSvn") else {
            throw PlatformError("platform file: pceSvn and qeSvn must be integers of 16 bits")
        }
        self.init(privateKey: key, chain: chain, tcb: PlatformTCB(cpuSvn: cpuSvn, pceSvn: pceSvn, qeSvn: qeSvn))
    }
}

extension Certificate {
    /// The certificate's DER bytes.
    public var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        // Serialising a parsed or freshly made certificate cannot fail.
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension PlatformCredentials {
    /// This platform's revocation id, `sha256(issuer SPKI) ‖ serial` (what a policy vote of
    /// kind 3 names); nil if the chain does not parse.
    public var revocationID: [UInt8]? {
        guard chain.count >= 2, let platform = try? Certificate(derEncoded: chain[0]),
              let issuer = try? Certificate(derEncoded: chain[1]), let key = P256.Signing.PublicKey(issuer.publicKey) else { return nil }
        return QuoteVerifier.revocationID(platform: platform, issuerKey: key)
    }
}

/// What `cloister attest inspect` prints of one certificate.
public struct CertificateSummary: Sendable {
    public let subject: String
    public let issuer: String
    public let serial: [UInt8]
    public let notBefore: Int64
    public let notAfter: Int64
    /// ``QuoteVerifier/spkiHash(_:)`` of its key, when it is a P-256 key.
    public let spkiHash: Hash32?

    /// The summary of a DER certificate; nil if it is not one.
    public init?(der: [UInt8]) {
        guard let c = try? Certificate(derEncoded: der) else { return nil }
        subject = "\(c.subject)"
        issuer = "\(c.issuer)"
        serial = Array(c.serialNumber.bytes)
        notBefore = Int64(c.notValidBefore.timeIntervalSince1970)
        notAfter = Int64(c.notValidAfter.timeIntervalSince1970)
        spkiHash = QuoteVerifier.spkiHash(of: c)
    }
}
