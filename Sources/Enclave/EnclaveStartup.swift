public import Foundation
public import Primitives
import ChainTypes
import Attestation

/// Why an enclave could not start.
public struct EnclaveStartupError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The enclave's start: its configuration from the genesis and platform files, and its
/// identity keys, unsealed or new.
public enum EnclaveStartup {
    /// The configuration for `genesis` (a geth-format genesis with `config.confidential`)
    /// and `platformFile`'s contents.
    public static func configuration(genesisJSON: Data, platformFile: [UInt8], authority: Address, mrEnclave: Hash32,
                                     debug: Bool) throws(EnclaveStartupError) -> EnclaveConfiguration {
        let genesis: Genesis
        do { genesis = try Genesis(json: genesisJSON) } catch { throw EnclaveStartupError("\(error)") }
        guard let policy = genesis.config.confidential else {
            throw EnclaveStartupError("the genesis has no config.confidential: this chain has no confidential module")
        }
        guard policy.insecureSimulation, policy.platforms.contains(ConfidentialConfig.simulatedSGX) else {
            throw EnclaveStartupError("this enclave runs on the simulated platform, and the chain's policy does not accept simulated evidence (insecureSimulation is false or simulated-sgx is not listed)")
        }
        if debug, !policy.allowDebug {
            // Not refused: the operator may want to see check 7 refuse it.
            FileHandle.standardError.write(Data("cloister-enclave: debug mode, and the genesis policy does not allow debug enclaves: peers will refuse this quote (check 7)\n".utf8))
        }
        let platform: PlatformCredentials
        do { platform = try PlatformCredentials(fileContents: platformFile) } catch { throw EnclaveStartupError("\(error)") }
        let rules = EnclaveChainRules(genesis: genesis.header, cliqueEpoch: genesis.config.clique?.epoch ?? CliqueConfig.defaultEpoch,
                                      policy: policy, config: genesis.config)
        return EnclaveConfiguration(chainID: genesis.config.chainID, genesisHash: genesis.header.hash, policyHash: policy.policyHash,
                                    authority: authority, mrEnclave: mrEnclave, debug: debug, platform: platform, chain: rules)
    }

    /// The identity keys and held secrets: unsealed from `sealedPath` when it exists (refusing
    /// a blob this binary and platform cannot open, which is left untouched), otherwise new
    /// keys sealed there (mode 0600, written atomically). Without a path, new keys that die
    /// with the process.
    public static func keys(sealedPath: String?, configuration: EnclaveConfiguration) throws(EnclaveStartupError)
        -> (IdentityKeys, secrets: [ConsortiumSecret], restored: Bool) {
        guard let sealedPath else { return (IdentityKeys(), [], false) }
        let fm = FileManager.default
        if fm.fileExists(atPath: sealedPath) {
            guard let blob = fm.contents(atPath: sealedPath) else { throw EnclaveStartupError("cannot read \(sealedPath)") }
            do {
                let (keys, secrets) = try KeySealing.unseal(Array(blob), for: configuration)
                return (keys, secrets, true)
            } catch {
                throw EnclaveStartupError("\(sealedPath): \(error.reason). It is left as it is; move it away to start with new keys (a new enclave must join again).")
            }
        }
        let keys = IdentityKeys()
        try writeSealed(keys, secrets: [], to: sealedPath, configuration: configuration)
        return (keys, [], false)
    }

    /// Seals `keys` and `secrets` to `path` (mode 0600, written atomically).
    public static func writeSealed(_ keys: IdentityKeys, secrets: [ConsortiumSecret], to path: String,
                                   configuration: EnclaveConfiguration) throws(EnclaveStartupError) {
        let blob: [UInt8]
        do { blob = try KeySealing.seal(keys, secrets: secrets, for: configuration) } catch { throw EnclaveStartupError("\(error)") }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(blob), attributes: [.posixPermissions: 0o600]) else {
            throw EnclaveStartupError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw EnclaveStartupError("cannot move \(temporary) to \(path)") }
    }
}
