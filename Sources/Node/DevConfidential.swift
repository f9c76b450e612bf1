public import Foundation
public import Primitives
import ChainTypes
import Attestation
import Keystore
import EnclaveProtocol
public import Confidential

/// The dev chain's simulated confidential module: a simulated root and one platform made
/// in the dev data directory (reused when they exist), and the policy that trusts them and
/// the measurement of the `cloister-enclave` installed beside `cloister`.
public struct DevConfidential: Sendable {
    /// `trustAnchors["simulated-sgx"]`.
    public let trustAnchor: Hash32
    /// The platform file the dev enclave is started with.
    public let platformFile: String
    /// MRENCLAVE of the enclave binary.
    public let measurement: Hash32
    public let enclaveBinary: String

    /// Makes (or reuses) `directory/attest/{root-cert.pem, platform.json}` and measures
    /// `enclaveBinary`. The root's key signs the platform certificate in memory and is
    /// dropped: it is never written into the data directory (CONFIDENTIAL.md section 3).
    public static func prepare(directory: String, enclaveBinary: String = EnclaveProcess.defaultBinary) throws(NodeError) -> DevConfidential {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: enclaveBinary) else {
            throw NodeError("no enclave executable at \(enclaveBinary): build it (make build, or swift build --product cloister-enclave), or run with --no-enclave")
        }
        let dir = (directory as NSString).appendingPathComponent("attest")
        let certFile = (dir as NSString).appendingPathComponent("root-cert.pem")
        let platformFile = (dir as NSString).appendingPathComponent("platform.json")
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let anchor: Hash32
            if let cert = fm.contents(atPath: certFile), fm.fileExists(atPath: platformFile) {
                guard case .success(let ders) = StrictPEM.decode(Array(cert)), let root = ders.first,
                      let hash = CertificateSummary(der: root)?.spkiHash else {
                    throw NodeError("\(certFile) is not a simulated root certificate: remove \(dir) to make a new root and platform")
                }
                anchor = hash
            } else {
                let now = Date()
                let root = try SimulatedRoot.create(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 3650),
                                                    commonName: "Cloister dev simulated SGX root")
                let platform = try root.issuePlatform(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 3650))
                try? fm.removeItem(atPath: platformFile)
                try KeyDirectory.writeExclusive(Data(platform.fileContents), to: platformFile)
                guard fm.createFile(atPath: certFile, contents: Data(root.certificatePEM.utf8)) else { throw NodeError("cannot write \(certFile)") }
                anchor = root.trustAnchor
            }
            let measurement = try EnclaveMeasurement.measure(path: enclaveBinary)
            return DevConfidential(trustAnchor: anchor, platformFile: platformFile, measurement: measurement, enclaveBinary: enclaveBinary)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError("dev confidential module: \(error)")
        }
    }

    /// `config.confidential` of the dev genesis (simulated, loudly).
    var policyJSON: [String: Any] {
        ConfidentialConfig.simulated(trustAnchor: trustAnchor, measurements: [measurement]).jsonObject
    }
}
