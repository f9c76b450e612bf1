import Testing
import Primitives
import ChainTypes
import Attestation
import ConfidentialState
import TestSupport

/// Policy votes (section 7): Clique-style tallies over the policy in force.
@Suite struct PolicyTallyTests {
    static let signers: [Address] = ["A", "B", "C", "D"].map(TestKeys.address)
    static var set: Set<Address> { Set(signers) }
    static let mr = Keccak256.hash([0x11])

    static func policy() -> AttestationPolicy {
        AttestationPolicy(genesis: .simulated(trustAnchor: Keccak256.hash([1]), measurements: [Keccak256.hash([2])]))
    }

    @Test func aStrictMajorityAppliesAndClears() throws {
        var tally = PolicyTally()
        var policy = Self.policy()
        let vote = PolicyVote(kind: .measurement, value: Self.mr.bytes, add: true)
        #expect(try tally.record(vote, by: Self.signers[0], signers: Self.set, policy: &policy) == .counted)
        #expect(try tally.record(vote, by: Self.signers[0], signers: Self.set, policy: &policy) == .counted)  // same signer again
        #expect(try tally.record(vote, by: Self.signers[1], signers: Self.set, policy: &policy) == .counted)  // 2 of 4 is no majority
        #expect(!policy.rules.measurements.contains(Self.mr))
        #expect(try tally.record(vote, by: Self.signers[2], signers: Self.set, policy: &policy) == .applied)
        #expect(policy.rules.measurements.contains(Self.mr))
        #expect(tally.votes.isEmpty)
    }

    @Test func aChangedVoteReplacesTheOldOne() throws {
        var tally = PolicyTally()
        var policy = Self.policy()
        let remove = PolicyVote(kind: .measurement, value: Keccak256.hash([2]).bytes, add: false)
        let keep = PolicyVote(kind: .measurement, value: Keccak256.hash([2]).bytes, add: true)
        _ = try tally.record(remove, by: Self.signers[0], signers: Self.set, policy: &policy)
        _ = try tally.record(remove, by: Self.signers[1], signers: Self.set, policy: &policy)
        _ = try tally.record(keep, by: Self.signers[1], signers: Self.set, policy: &policy)  // B changes its mind
        #expect(try tally.record(remove, by: Self.signers[2], signers: Self.set, policy: &policy) == .counted)
        #expect(policy.rules.measurements == [Keccak256.hash([2])])
    }

    @Test func removedSignersVotesAreDroppedAndCheckpointsReset() throws {
        var tally = PolicyTally()
        var policy = Self.policy()
        let vote = PolicyVote.set(.minIsvSvn, to: 5)
        _ = try tally.record(vote, by: Self.signers[0], signers: Self.set, policy: &policy)
        _ = try tally.record(vote, by: Self.signers[3], signers: Self.set, policy: &policy)
        tally.dropVotes(notBy: Set(Self.signers.prefix(3)))
        let three = Set(Self.signers.prefix(3))
        #expect(try tally.record(vote, by: Self.signers[1], signers: three, policy: &policy) == .applied)  // A + B of 3
        #expect(policy.rules.minIsvSvn == 5)
        _ = try tally.record(PolicyVote.set(.minQeSvn, to: 4), by: Self.signers[0], signers: three, policy: &policy)
        tally.reset()
        #expect(tally.votes.isEmpty)
    }

    @Test func votesApplyToEachField() throws {
        var policy = Self.policy()
        let one: Set<Address> = [Self.signers[0]]
        var tally = PolicyTally()
        let revocation = Keccak256.hash([9]).bytes + [1, 2]
        for vote in [PolicyVote.set(.minPceSvn, to: 7), .set(.minQeSvn, to: 8), .set(.allowDebug, to: 1),
                     PolicyVote(kind: .minCpuSvn, value: Array(repeating: 3, count: 16), add: true),
                     PolicyVote(kind: .platformRevocation, value: revocation, add: true)] {
            #expect(try tally.record(vote, by: Self.signers[0], signers: one, policy: &policy) == .applied)
        }
        #expect(policy.rules.minPceSvn == 7 && policy.rules.minQeSvn == 8 && policy.rules.allowDebug)
        #expect(policy.rules.minCpuSvn == Array(repeating: 3, count: 16) && policy.revokedPlatforms.contains(revocation))
        _ = try tally.record(PolicyVote(kind: .platformRevocation, value: revocation, add: false), by: Self.signers[0], signers: one, policy: &policy)
        #expect(policy.revokedPlatforms.isEmpty)
    }

    @Test func votesThatCannotApplyAreRefused() throws {
        var tally = PolicyTally()
        var policy = Self.policy()
        #expect(throws: PolicyVoteError.notASigner(TestKeys.address("Z"))) {
            try tally.record(.set(.minIsvSvn, to: 2), by: TestKeys.address("Z"), signers: Self.set, policy: &policy)
        }
        policy.rules.insecureSimulation = false
        #expect(throws: PolicyVoteError.debugOnlyWhenSimulated) {
            try tally.record(.set(.allowDebug, to: 1), by: Self.signers[0], signers: Self.set, policy: &policy)
        }
    }
}
