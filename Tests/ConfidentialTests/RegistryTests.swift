import Testing
import Primitives
import ConfidentialState
import ChainTypes
import Attestation
import TestSupport

/// A map standing for the system address's storage.
struct SlotMap: RegistrySlots {
    var storage: [UInt256: UInt256] = [:]
    func read(_ slot: UInt256) throws -> UInt256 { storage[slot] ?? .zero }
    mutating func write(_ slot: UInt256, _ value: UInt256) throws {
        if value.isZero { storage[slot] = nil } else { storage[slot] = value }
    }
}

@Suite struct RegistryTests {
    static func record(_ n: UInt8, quote: [UInt8] = Array(repeating: 9, count: 100)) -> EnclaveRecord {
        EnclaveRecord(enclaveID: Keccak256.hash([n]), authority: TestKeys.address("\(n)"), standing: .pending,
                      mrEnclave: Keccak256.hash([n, 1]), isvSvn: 1, signingKey: [0x02] + Array(repeating: n, count: 32),
                      encryptionKey: Array(repeating: n, count: 32), platformRevocationID: Array(repeating: 7, count: 40),
                      quote: quote, joinedAt: 10, generation: 0, cpuSvn: Array(repeating: 1, count: 16), pceSvn: 1, qeSvn: 1)
    }

    @Test func theSystemAddressIsTheReservedOne() {
        #expect(RegistryLayout.address.description == "0x00000000000000000000000000000000000c1057")
    }

    @Test func enclavesRoundTripInJoinOrder() throws {
        var registry = Registry(slots: SlotMap())
        try registry.put(Self.record(1))
        try registry.put(Self.record(2))
        var updated = Self.record(1)
        updated.standing = .trusted
        updated.generation = 1
        try registry.put(updated)
        #expect(try registry.enclaveIDs() == [Keccak256.hash([1]), Keccak256.hash([2])])
        #expect(try registry.enclave(Keccak256.hash([1])) == updated)
        #expect(try registry.enclave(Keccak256.hash([3])) == nil)
    }

    @Test func aShorterRecordLeavesNoOldWordsBehind() throws {
        var long = Registry(slots: SlotMap())
        try long.put(Self.record(1, quote: Array(repeating: 1, count: 3000)))
        try long.put(Self.record(1, quote: [5]))
        var fresh = Registry(slots: SlotMap())
        try fresh.put(Self.record(1, quote: [5]))
        #expect(long.slots.storage == fresh.slots.storage)  // the same state, so the same state root
    }

    @Test func generationsFollowOneAnother() throws {
        var registry = Registry(slots: SlotMap())
        #expect(try registry.currentGeneration() == 0)
        try registry.append(GenerationRecord(generation: 1, startBlock: 5, keyCheck: Array(repeating: 1, count: 32),
                                             enclaveID: Keccak256.hash([1]), chainedPrevious: []))
        #expect(throws: RegistryError.self) {
            try registry.append(GenerationRecord(generation: 3, startBlock: 9, keyCheck: Array(repeating: 3, count: 32),
                                                 enclaveID: Keccak256.hash([1]), chainedPrevious: Array(repeating: 0, count: 48)))
        }
        try registry.append(GenerationRecord(generation: 2, startBlock: 9, keyCheck: Array(repeating: 2, count: 32),
                                             enclaveID: Keccak256.hash([1]), chainedPrevious: Array(repeating: 0, count: 48)))
        #expect(try registry.currentGeneration() == 2)
        #expect(try registry.generations().map(\.startBlock) == [5, 9])
    }

    @Test func joinFailuresAreKeptByTransaction() throws {
        var registry = Registry(slots: SlotMap())
        try registry.recordJoinFailure(Keccak256.hash([4]), check: 8, reason: "mrEnclave 0x… is not in the policy's measurements")
        let failure = try #require(try registry.joinFailure(Keccak256.hash([4])))
        #expect(failure.check == 8 && failure.reason.hasPrefix("mrEnclave"))
        #expect(try registry.joinFailure(Keccak256.hash([5])) == nil)
    }

    @Test func corruptStateIsAnErrorNotATrap() throws {
        var slots = SlotMap()
        let base = RegistryLayout.baseSlot(tag: "cloister-registry-enclaves")
        slots.storage[base] = UInt256(UInt64.max)  // an absurd length
        #expect(throws: RegistryError.self) { try Registry(slots: slots).enclaveIDs() }
        slots.storage[base] = UInt256(3)           // 3 bytes that are not a list
        slots.storage[base &+ UInt256(1)] = UInt256(bigEndianBytes: [0x01, 0x02, 0x03] + Array(repeating: 0, count: 29))!
        #expect(throws: RegistryError.self) { try Registry(slots: slots).enclaveIDs() }
    }
}

@Suite struct RegistryPolicyTests {
    static let genesis = ConfidentialConfig.simulated(trustAnchor: Keccak256.hash([1]), measurements: [Keccak256.hash([2]), Keccak256.hash([3])])

    @Test func thePolicyAndTalliesRoundTripThroughState() throws {
        var registry = Registry(slots: SlotMap())
        #expect(try registry.policy(genesis: Self.genesis) == AttestationPolicy(genesis: Self.genesis))
        var policy = AttestationPolicy(genesis: Self.genesis)
        policy.rules.minQeSvn = 9
        policy.revokedPlatforms = [Array(repeating: 1, count: 33), Array(repeating: 2, count: 40)]
        try registry.storePolicy(policy)
        // Stored canonically (lists sorted): the same policy, whatever order it was written in.
        let stored = try registry.policy(genesis: Self.genesis)
        #expect(stored.rules.policyRLP == policy.rules.policyRLP && stored.revokedPlatforms == policy.revokedPlatforms)
        #expect(Set(stored.rules.measurements) == Set(policy.rules.measurements) && stored.rules.minQeSvn == 9)

        var tally = PolicyTally()
        var scratch = policy
        let signers: Set<Address> = Set(["A", "B", "C"].map(TestKeys.address))
        _ = try tally.record(.set(.minIsvSvn, to: 4), by: TestKeys.address("A"), signers: signers, policy: &scratch)
        _ = try tally.record(PolicyVote(kind: .measurement, value: Keccak256.hash([2]).bytes, add: false), by: TestKeys.address("B"),
                             signers: signers, policy: &scratch)
        try registry.storeTally(tally)
        #expect(try registry.tally() == tally)
        #expect(try PolicyTally(rlp: tally.rlp).rlp == tally.rlp)
    }

    @Test func anAgreedVoteRevokesTheEnclavesItNoLongerAdmits() throws {
        var registry = Registry(slots: SlotMap())
        let record = RegistryTests.record(1)
        var trusted = record
        trusted.mrEnclave = Keccak256.hash([2])
        trusted.authority = TestKeys.address("A")
        try registry.put(trusted)
        let signers: Set<Address> = [TestKeys.address("A"), TestKeys.address("B")]
        let context = RegistryContext(chainID: 1, genesisHash: .zero, genesisPolicyHash: Self.genesis.policyHash, blockNumber: 5,
                                      blockTime: 0, ancestorHashes: [], signers: signers, policy: AttestationPolicy(genesis: Self.genesis))
        let removal = PolicyVote(kind: .measurement, value: Keccak256.hash([2]).bytes, add: false)
        #expect(try registry.applyVote(removal, sender: TestKeys.address("A"), context: context, genesis: Self.genesis).isEmpty)
        #expect(try registry.applyVote(removal, sender: TestKeys.address("B"), context: context, genesis: Self.genesis) == [trusted.enclaveID])
        #expect(try registry.enclave(trusted.enclaveID)?.standing == .revoked)
        #expect(try registry.policy(genesis: Self.genesis).rules.measurements == [Keccak256.hash([3])])
        #expect(try registry.tally().votes.isEmpty)
    }

    @Test func raisedTCBMinimumsRevokeTheEnclavesBelowThem() throws {
        let signers: Set<Address> = [TestKeys.address("A")]
        let context = RegistryContext(chainID: 1, genesisHash: .zero, genesisPolicyHash: Self.genesis.policyHash, blockNumber: 5,
                                      blockTime: 0, ancestorHashes: [], signers: signers, policy: AttestationPolicy(genesis: Self.genesis))
        for (vote, survivesWith) in [(PolicyVote.set(.minPceSvn, to: 2), { (r: inout EnclaveRecord) in r.pceSvn = 2 }),
                                     (PolicyVote.set(.minQeSvn, to: 3), { (r: inout EnclaveRecord) in r.qeSvn = 3 }),
                                     (PolicyVote(kind: .minCpuSvn, value: [2] + Array(repeating: 0, count: 15), add: true),
                                      { (r: inout EnclaveRecord) in r.cpuSvn[0] = 2 })] {
            var registry = Registry(slots: SlotMap())
            var below = RegistryTests.record(1)
            below.mrEnclave = Keccak256.hash([2]); below.authority = TestKeys.address("A")
            var atMinimum = RegistryTests.record(2)
            atMinimum.mrEnclave = Keccak256.hash([3]); atMinimum.authority = TestKeys.address("A")
            survivesWith(&atMinimum)
            try registry.put(below); try registry.put(atMinimum)
            #expect(below.isAdmitted(by: AttestationPolicy(genesis: Self.genesis), signers: signers))
            #expect(try registry.applyVote(vote, sender: TestKeys.address("A"), context: context, genesis: Self.genesis) == [below.enclaveID])
            #expect(try registry.enclave(atMinimum.enclaveID)?.standing == .pending)
        }
    }
}
