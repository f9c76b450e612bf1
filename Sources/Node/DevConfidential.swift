public import Foundation
public import Primitives
import ChainTypes
import Attestation
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

    /// Makes (or reuses) `directory/attest/{root-key.pem, root-cert.pem, platform.json}`
    /// and measures `enclaveBinary`.
    public static func prepare(directory: String, enclaveBinary: String = EnclaveProcess.defaultBinary) throws(NodeError) -> DevConfidential {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: enclaveBinary) else {
            throw NodeError("no enclave executable at \(enclaveBinary): build it (make build, or swift build --product cloister-enclave), or run with --no-enclave")
        }
        let dir = (directory as NSString).appendingPathComponent("attest")
        let keyFile = (dir as NSString).appendingPathComponent("root-key.pem")
        let certFile = (dir as NSString).appendingPathComponent("root-cert.pem")
        let platformFile = (dir as NSString).appendingPathComponent("platform.json")
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let root: SimulatedRoot
            if let key = fm.contents(atPath: keyFile), let cert = fm.contents(atPath: certFile) {
                root = try SimulatedRoot(keyPEM: String(decoding: key, as: UTF8.self), certificatePEM: String(decoding: cert, as: UTF8.self))
            } else {
                let now = Date()
                root = try SimulatedRoot.create(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 3650),
                                                commonName: "Cloister dev simulated SGX root")
                guard fm.createFile(atPath: keyFile, contents: Data(root.keyPEM.utf8), attributes: [.posixPermissions: 0o600]),
                      fm.createFile(atPath: certFile, contents: Data(root.certificatePEM.utf8)) else {
                    throw NodeError("cannot write the dev root into \(dir)")
                }
                try? fm.removeItem(atPath: platformFile)
            }
            if !fm.fileExists(atPath: platformFile) {
                let now = Date()
                let platform = try root.issuePlatform(notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 3650))
                guard fm.createFile(atPath: platformFile, contents: Data(platform.fileContents), attributes: [.posixPermissions: 0o600]) else {
                    throw NodeError("cannot write \(platformFile)")
                }
            }
            let measurement = try EnclaveMeasurement.measure(path: enclaveBinary)
            return DevConfidential(trustAnchor: root.trustAnchor, platformFile: platformFile, measurement: measurement, enclaveBinary: enclaveBinary)
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
