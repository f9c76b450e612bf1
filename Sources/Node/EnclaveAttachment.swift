import Foundation
import Logging
public import Primitives
import ChainTypes
import Storage
import State
import Chain
import Attestation
import EnclaveProtocol
import Confidential

/// How a node reaches its enclave (CONFIDENTIAL.md section 9): a `cloister-enclave` child it
/// starts with this machine's platform file, or one run apart and reached by socket path.
public struct EnclaveSettings: Sendable {
    public enum Source: Sendable {
        /// Start `binary` (default: beside `cloister`) as a child with `platformFile`.
        case launch(binary: String?, platformFile: String)
        /// Connect to an enclave already listening at this socket path.
        case connect(socketPath: String)
    }

    public var source: Source
    /// Launch in debug mode (quotes carry the DEBUG attribute).
    public var debug: Bool

    public init(source: Source, debug: Bool = false) { self.source = source; self.debug = debug }
}

/// A node's enclave once it answered: its status and evidence, checked with the same
/// verifier peers use (a self-check: a quote this node's own policy would refuse is
/// reported at start, naming the check).
final class EnclaveAttachment: Sendable {
    let process: EnclaveProcess?
    let client: EnclaveClient
    let status: EnclaveStatus
    let evidence: EnclaveEvidence
    /// The failing check of the self-check, if any.
    let selfCheck: AttestationError?

    private init(process: EnclaveProcess?, client: EnclaveClient, status: EnclaveStatus, evidence: EnclaveEvidence, selfCheck: AttestationError?) {
        self.process = process; self.client = client; self.status = status; self.evidence = evidence; self.selfCheck = selfCheck
    }

    /// Starts or reaches the enclave for `authority` on `chain`, and checks what it says.
    static func start(_ settings: EnclaveSettings, chain: Blockchain, store: any KeyValueStore, authority: Address,
                      dataDirectory: String, logger: Logger) throws(NodeError) -> EnclaveAttachment {
        guard let policy = chain.config.confidential else {
            throw NodeError("an enclave was configured, and this chain's genesis has no config.confidential")
        }
        let dir = (dataDirectory as NSString).appendingPathComponent("enclave")
        var process: EnclaveProcess?
        let socketPath: String
        switch settings.source {
        case .connect(let path):
            socketPath = path
        case .launch(let binary, let platformFile):
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
                throw NodeError("cannot create \(dir): \(error.localizedDescription)")
            }
            // The enclave reads the chain's own genesis, as stored at initialisation.
            let genesisFile = (dir as NSString).appendingPathComponent("genesis.json")
            guard let bytes = (try? store.get(Tables.meta, GenesisInitializer.genesisFileKey)) ?? nil else {
                throw NodeError("the data directory holds no genesis file for the enclave")
            }
            guard FileManager.default.createFile(atPath: genesisFile, contents: Data(bytes)) else { throw NodeError("cannot write \(genesisFile)") }
            // Unix socket paths are short (108 bytes): a per-process path under /tmp.
            socketPath = "/tmp/cloister-enclave-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
            do {
                // Its keys and held secrets persist sealed beside the chain (only this binary on
                // this platform opens them), so a restart needs no new join or grant.
                process = try EnclaveProcess(binary: binary ?? EnclaveProcess.defaultBinary, socketPath: socketPath,
                                             platformFile: platformFile, genesisFile: genesisFile, authority: authority,
                                             sealedPath: (dir as NSString).appendingPathComponent("enclave.sealed"), debug: settings.debug,
                                             logger: logger)
            } catch { throw NodeError("enclave: \(error)") }
        }
        let client: EnclaveClient
        let status: EnclaveStatus
        let evidence: EnclaveEvidence
        let head = chain.head
        do {
            client = try EnclaveClient(path: socketPath)
            status = try client.hello()
            evidence = try client.evidence(freshness: head.hash)
        } catch {
            process?.stop()
            throw NodeError("enclave: \(error)")
        }
        guard status.chainID == chain.config.chainID, status.authority == authority else {
            process?.stop()
            throw NodeError("the enclave serves chain \(status.chainID) and authority \(status.authority), not chain \(chain.config.chainID) and \(authority)")
        }
        var ancestors: [Hash32] = []
        var cursor: SealedHeader? = head
        while let h = cursor, UInt64(ancestors.count) < policy.freshnessBlocks {
            ancestors.append(h.hash)
            cursor = h.header.number == 0 ? nil : chain.header(hash: h.header.parentHash)
        }
        let genesisHash = chain.canonicalHeader(0)?.hash ?? head.hash
        let context = VerificationContext(chainID: chain.config.chainID, genesisHash: genesisHash, policy: AttestationPolicy(genesis: policy),
                                          genesisPolicyHash: policy.policyHash,
                                          blockTime: max(UInt64(Date().timeIntervalSince1970), head.header.timestamp + 1),
                                          ancestorHashes: ancestors)
        let claimed = ClaimedEnclave(authority: authority, signingKey: evidence.signingKey, encryptionKey: evidence.encryptionKey)
        var selfCheck: AttestationError?
        do { _ = try QuoteVerifier.verify(quote: evidence.quote, claimed: claimed, context: context) } catch { selfCheck = error }
        return EnclaveAttachment(process: process, client: client, status: status, evidence: evidence, selfCheck: selfCheck)
    }

    /// `keccak(signingKey)`.
    var enclaveID: Hash32 { Keccak256.hash(evidence.signingKey) }

    func stop() { process?.stop() }
}
