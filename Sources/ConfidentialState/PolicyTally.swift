public import Primitives
public import ChainTypes
public import Attestation

/// The policy votes of CONFIDENTIAL.md section 7 (`0x44`), tallied like Clique's: per
/// `(kind, value, add)` one vote per signer (a new vote by the same signer on the same kind
/// and value replaces its old one); a strict majority of the signers at the parent applies
/// the change and clears its tally; a removed signer's votes are dropped; every tally resets
/// at a Clique checkpoint block.
///
/// A value type: the chain keeps one per block (in public state, issue 13's registry) and
/// every node computes the same one from the same blocks.
public struct PolicyTally: Sendable, Hashable {
    /// What a vote is about: the kind and value; `add` is the signer's position on it.
    public struct Subject: Sendable, Hashable {
        public var kind: PolicyVoteKind
        public var value: [UInt8]
        public init(kind: PolicyVoteKind, value: [UInt8]) { self.kind = kind; self.value = value }
    }

    /// Per subject, each voting signer's `add`.
    public private(set) var votes: [Subject: [Address: Bool]] = [:]

    public init() {}

    /// What applying a vote did.
    public enum Outcome: Sendable, Equatable {
        /// Recorded; no majority yet.
        case counted
        /// A strict majority agreed: the change was applied to the policy and the tally cleared.
        case applied
    }

    /// Records `signer`'s vote and applies it to `policy` when a strict majority of `signers`
    /// agrees on the same `(kind, value, add)`. Throws when the vote cannot apply to this
    /// chain at all (`allowDebug` without `insecureSimulation`), which makes its block invalid.
    public mutating func record(_ vote: PolicyVote, by signer: Address, signers: Set<Address>,
                                policy: inout AttestationPolicy) throws(PolicyVoteError) -> Outcome {
        guard signers.contains(signer) else { throw .notASigner(signer) }
        if vote.kind == .allowDebug, !policy.rules.insecureSimulation {
            throw .debugOnlyWhenSimulated
        }
        let subject = Subject(kind: vote.kind, value: vote.value)
        votes[subject, default: [:]][signer] = vote.add
        let agreeing = votes[subject, default: [:]].filter { signers.contains($0.key) && $0.value == vote.add }.count
        guard agreeing * 2 > signers.count else { return .counted }
        votes[subject] = nil
        try Self.apply(vote, to: &policy)
        return .applied
    }

    /// Drops the votes of signers no longer in `signers` (after Clique removes one).
    public mutating func dropVotes(notBy signers: Set<Address>) {
        for (subject, ballot) in votes {
            let kept = ballot.filter { signers.contains($0.key) }
            votes[subject] = kept.isEmpty ? nil : kept
        }
    }

    /// Clears every tally (at a Clique checkpoint block).
    public mutating func reset() { votes = [:] }

    /// Puts back a stored ballot (decoding the registry's copy).
    mutating func restore(_ subject: Subject, _ ballot: [Address: Bool]) {
        if !ballot.isEmpty { votes[subject] = ballot }
    }

    /// Applies an agreed vote to the policy in force.
    static func apply(_ vote: PolicyVote, to policy: inout AttestationPolicy) throws(PolicyVoteError) {
        switch vote.kind {
        case .measurement:
            guard let m = Hash32(vote.value) else { throw .malformed("a measurement is 32 bytes") }
            if vote.add {
                if !policy.rules.measurements.contains(m) { policy.rules.measurements.append(m) }
            } else {
                policy.rules.measurements.removeAll { $0 == m }
            }
        case .platformRevocation:
            if vote.add { policy.revokedPlatforms.insert(vote.value) } else { policy.revokedPlatforms.remove(vote.value) }
        case .minCpuSvn:
            guard vote.value.count == 16 else { throw .malformed("minCpuSvn is 16 bytes") }
            policy.rules.minCpuSvn = vote.value
        case .minIsvSvn, .minPceSvn, .minQeSvn, .allowDebug:
            guard let scalar = vote.scalar else { throw .malformed("not a 16-bit scalar") }
            switch vote.kind {
            case .minIsvSvn: policy.rules.minIsvSvn = scalar
            case .minPceSvn: policy.rules.minPceSvn = scalar
            case .minQeSvn: policy.rules.minQeSvn = scalar
            default: policy.rules.allowDebug = scalar == 1
            }
        }
    }
}

/// Why a policy vote makes its block invalid.
public enum PolicyVoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case notASigner(Address)
    case debugOnlyWhenSimulated
    case malformed(String)

    public var description: String {
        switch self {
        case .notASigner(let a): "policy vote by \(a), which is not a Clique signer at the parent"
        case .debugOnlyWhenSimulated: "an allowDebug vote on a chain without insecureSimulation"
        case .malformed(let reason): "malformed policy vote: \(reason)"
        }
    }
}
