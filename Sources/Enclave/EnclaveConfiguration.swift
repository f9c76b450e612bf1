public import Primitives
public import Attestation
public import ChainTypes

/// What an enclave is started with and binds into every quote: the chain (id, genesis
/// hash, genesis policy hash), the authority it serves, and its own measurement; plus the
/// simulated platform's credentials (standing for the CPU's fused keys).
public struct EnclaveConfiguration: Sendable {
    public var chainID: UInt64
    public var genesisHash: Hash32
    /// The genesis policy's hash (CONFIDENTIAL.md section 2).
    public var policyHash: Hash32
    public var authority: Address
    /// `sha256` of this enclave's executable.
    public var mrEnclave: Hash32
    /// The enclave's security version (a build constant; the policy's `minIsvSvn` is compared to it).
    public var isvSvn: UInt16
    /// Debug mode: quotes carry the DEBUG attribute, as SGX sets it for a debug enclave.
    public var debug: Bool
    public var platform: PlatformCredentials
    /// What the enclave needs to follow the chain and hold the consortium's keys; nil: an
    /// enclave that only attests (key requests are refused).
    public var chain: EnclaveChainRules?

    public init(chainID: UInt64, genesisHash: Hash32, policyHash: Hash32, authority: Address, mrEnclave: Hash32,
                isvSvn: UInt16 = EnclaveBuild.isvSvn, debug: Bool, platform: PlatformCredentials, chain: EnclaveChainRules? = nil) {
        self.chainID = chainID; self.genesisHash = genesisHash; self.policyHash = policyHash; self.authority = authority
        self.mrEnclave = mrEnclave; self.isvSvn = isvSvn; self.debug = debug; self.platform = platform; self.chain = chain
    }
}

/// The chain an enclave follows as a light client: the genesis header (whose extra data lists
/// the first Clique signers), the Clique epoch, and the genesis attestation policy.
public struct EnclaveChainRules: Sendable {
    public var genesis: Header
    public var cliqueEpoch: UInt64
    public var policy: ConfidentialConfig
    /// The genesis chain configuration (its fork schedule decides the EVM rules of
    /// confidential execution); nil: the enclave refuses to execute.
    public var config: ChainConfig?

    public init(genesis: Header, cliqueEpoch: UInt64, policy: ConfidentialConfig, config: ChainConfig? = nil) {
        self.genesis = genesis; self.cliqueEpoch = cliqueEpoch; self.policy = policy; self.config = config
    }
}

/// Constants of this enclave build.
public enum EnclaveBuild {
    /// The security version this build reports (`isvSvn`); raised when a fix must retire older builds.
    public static let isvSvn: UInt16 = 1
    public static let version = "cloister-enclave 0.1.0-dev (simulated-sgx)"
    /// What the enclave prints at start and the node repeats.
    public static let simulationWarning =
        "SIMULATED TEE: this enclave runs on the simulated SGX platform. It proves the protocol, NOT confidentiality: the operator of this machine can read its memory and keys."
}
