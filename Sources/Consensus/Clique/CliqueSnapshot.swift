public import Primitives
public import ChainTypes

/// The Clique voting state after one block (EIP-225): the authorized signers, who
/// signed recently, and the open votes with their tallies.
///
/// A value type: ``applying(_:epoch:)`` returns the state after more headers and
/// leaves `self` untouched, so a failed batch changes nothing. Headers must follow
/// `self` in order (number + 1, parent hash = ``hash``).
public struct CliqueSnapshot: Sendable, Equatable {
    /// One authorization vote a signer cast in a block.
    public struct Vote: Sendable, Equatable {
        public var signer: Address
        public var block: UInt64
        public var address: Address
        public var authorize: Bool

        public init(signer: Address, block: UInt64, address: Address, authorize: Bool) {
            self.signer = signer; self.block = block; self.address = address; self.authorize = authorize
        }
    }

    /// The running count of votes for one proposal.
    public struct Tally: Sendable, Equatable {
        public var authorize: Bool
        public var votes: Int

        public init(authorize: Bool, votes: Int) { self.authorize = authorize; self.votes = votes }
    }

    /// The block this snapshot is the state after.
    public var number: UInt64
    public var hash: Hash32
    /// Authorized signers, sorted ascending by bytes (the in-turn order).
    public private(set) var signers: [Address]
    /// Block number → signer, for the last floor(N/2)+1 blocks.
    public var recents: [UInt64: Address]
    /// Votes cast since the last checkpoint, in order.
    public var votes: [Vote]
    /// Open proposals.
    public var tally: [Address: Tally]

    public init(number: UInt64, hash: Hash32, signers: [Address], recents: [UInt64: Address] = [:],
                votes: [Vote] = [], tally: [Address: Tally] = [:]) {
        self.number = number; self.hash = hash; self.signers = Array(Set(signers)).sorted()
        self.recents = recents; self.votes = votes; self.tally = tally
    }

    /// Whether `address` may seal.
    public func isSigner(_ address: Address) -> Bool { signers.contains(address) }

    /// Whether `signer` is the in-turn sealer of block `number`.
    public func inTurn(_ number: UInt64, signer: Address) -> Bool {
        guard let index = signers.firstIndex(of: signer), !signers.isEmpty else { return false }
        return number % UInt64(signers.count) == UInt64(index)
    }

    /// How many consecutive blocks a signer must wait out: it may seal once in any floor(N/2)+1.
    public var signerLimit: UInt64 { UInt64(signers.count / 2 + 1) }

    /// Whether `signer` sealed one of the blocks that still bar it from sealing `number`.
    public func signedRecently(_ signer: Address, before number: UInt64) -> Bool {
        let limit = signerLimit
        for (seen, s) in recents where s == signer {
            // Blocks older than number - limit no longer count.
            if number < limit || seen > number - limit { return true }
        }
        return false
    }

    private func isValidVote(_ address: Address, authorize: Bool) -> Bool {
        let present = signers.contains(address)
        return (present && !authorize) || (!present && authorize)
    }

    private mutating func cast(_ address: Address, authorize: Bool) -> Bool {
        guard isValidVote(address, authorize: authorize) else { return false }
        if var t = tally[address] {
            t.votes += 1
            tally[address] = t
        } else {
            tally[address] = Tally(authorize: authorize, votes: 1)
        }
        return true
    }

    private mutating func uncast(_ address: Address, authorize: Bool) {
        guard var t = tally[address], t.authorize == authorize else { return }
        if t.votes > 1 {
            t.votes -= 1
            tally[address] = t
        } else {
            tally[address] = nil
        }
    }

    /// The snapshot after `headers`, with `epoch` the checkpoint interval. Each header's
    /// signer is recovered from its seal. Throws on the first header that breaks the rules
    /// (unauthorized or recent signer, malformed vote); `self` is unchanged.
    public func applying(_ headers: [SealedHeader], epoch: UInt64,
                         signerOf: (SealedHeader) throws(ConsensusError) -> Address) throws(ConsensusError) -> CliqueSnapshot {
        var snap = self
        for sealed in headers {
            let header = sealed.header
            guard header.number == snap.number + 1, header.parentHash == snap.hash else { throw .unknownAncestor }
            let number = header.number
            if epoch > 0 && number % epoch == 0 {
                snap.votes = []
                snap.tally = [:]
            }
            // The oldest recent signer may sign again.
            let limit = snap.signerLimit
            if number >= limit { snap.recents[number - limit] = nil }

            let signer = try signerOf(sealed)
            guard snap.signers.contains(signer) else { throw .unauthorizedSigner(signer) }
            if snap.recents.values.contains(signer) { throw .recentlySigned(signer) }
            snap.recents[number] = signer

            // A signer's new vote on a beneficiary replaces its earlier one.
            let beneficiary = header.beneficiary
            if let i = snap.votes.firstIndex(where: { $0.signer == signer && $0.address == beneficiary }) {
                snap.uncast(snap.votes[i].address, authorize: snap.votes[i].authorize)
                snap.votes.remove(at: i)
            }
            let authorize: Bool
            switch header.nonce {
            case CliqueSeal.authorizeVote: authorize = true
            case CliqueSeal.dropVote: authorize = false
            default: throw .invalidVote
            }
            if snap.cast(beneficiary, authorize: authorize) {
                snap.votes.append(Vote(signer: signer, block: number, address: beneficiary, authorize: authorize))
            }
            // A strict majority passes the proposal at once.
            if let t = snap.tally[beneficiary], t.votes > snap.signers.count / 2 {
                if t.authorize {
                    snap.signers = (snap.signers + [beneficiary]).sorted()
                } else {
                    snap.signers.removeAll { $0 == beneficiary }
                    // The list shrank: the window of recent signers shrinks with it.
                    let newLimit = snap.signerLimit
                    if number >= newLimit { snap.recents[number - newLimit] = nil }
                    // The dropped signer's open votes no longer count.
                    var kept: [Vote] = []
                    for v in snap.votes {
                        if v.signer == beneficiary { snap.uncast(v.address, authorize: v.authorize) } else { kept.append(v) }
                    }
                    snap.votes = kept
                }
                snap.votes.removeAll { $0.address == beneficiary }
                snap.tally[beneficiary] = nil
            }
            snap.number = number
            snap.hash = sealed.hash
        }
        return snap
    }
}
