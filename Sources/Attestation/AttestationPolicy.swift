public import ChainTypes
public import Primitives

/// The attestation policy in force at a block: the genesis policy as amended by governance
/// votes (CONFIDENTIAL.md section 7, `0x44`), plus the revoked platform certificates.
///
/// Governance may change only the measurements, the minimum security versions,
/// `allowDebug` and the revocations; the other fields stay the genesis values, and the
/// genesis ``ConfidentialConfig/policyHash`` is what quotes bind.
public struct AttestationPolicy: Sendable, Hashable {
    /// The rules in force (the genesis fields governance cannot change are copied as they are).
    public var rules: ConfidentialConfig
    /// Revoked platform certificates, each `sha256(issuer SPKI) ‖ serial` (see
    /// ``PlatformRevocationID``).
    public var revokedPlatforms: Set<[UInt8]>

    public init(rules: ConfidentialConfig, revokedPlatforms: Set<[UInt8]> = []) {
        self.rules = rules
        self.revokedPlatforms = revokedPlatforms
    }

    /// The policy at genesis: the genesis rules, nothing revoked.
    public init(genesis: ConfidentialConfig) { self.init(rules: genesis) }
}
