import Primitives
import ChainTypes
import Consensus
import TestSupport

/// Builds Clique header chains signed by the labelled test keys "A", "B", ….
struct CliqueTestChain {
    var config: ChainConfig
    var headers: [SealedHeader]

    /// A genesis whose extra data lists `signers` (labels).
    init(signers: [String], epoch: UInt64 = 30_000, period: UInt64 = 1, london: Bool = true) {
        config = ChainConfig(chainID: 1337, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                             byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                             berlinBlock: london ? 0 : nil, londonBlock: london ? 0 : nil,
                             clique: CliqueConfig(period: period, epoch: epoch))
        let list = signers.map(TestKeys.address).sorted()
        let genesis = Header(difficulty: .one, number: 0, gasLimit: 30_000_000, timestamp: 0,
                             extraData: CliqueSeal.prepareExtraData(vanity: [], signers: list),
                             baseFeePerGas: london ? UInt256(1_000_000_000) : nil)
        headers = [SealedHeader(genesis)]
    }

    var head: SealedHeader { headers[headers.count - 1] }
    var reader: BatchHeaderReader { BatchHeaderReader(config: config, headers: headers) }

    /// A header on top of `parent` sealed by `signer`, before any tampering.
    func unsealed(on parent: SealedHeader, beneficiary: Address = .zero, authorize: Bool = false,
                  difficulty: UInt256 = CliqueSeal.inTurnDifficulty, checkpoint: [Address]? = nil) -> Header {
        Header(parentHash: parent.hash, beneficiary: beneficiary, difficulty: difficulty,
               number: parent.header.number + 1, gasLimit: parent.header.gasLimit,
               timestamp: parent.header.timestamp + (config.clique?.period ?? 1),
               extraData: CliqueSeal.prepareExtraData(vanity: [], signers: checkpoint ?? []),
               nonce: authorize ? CliqueSeal.authorizeVote : CliqueSeal.dropVote,
               baseFeePerGas: parent.header.baseFeePerGas)
    }

    /// Appends a block sealed by `signer`.
    @discardableResult
    mutating func append(signer: String, beneficiary: Address = .zero, authorize: Bool = false,
                         difficulty: UInt256 = CliqueSeal.inTurnDifficulty, checkpoint: [Address]? = nil) -> SealedHeader {
        let h = unsealed(on: head, beneficiary: beneficiary, authorize: authorize, difficulty: difficulty, checkpoint: checkpoint)
        let sealed = SealedHeader(try! CliqueSeal.sealed(h, with: TestKeys.key(signer)))
        headers.append(sealed)
        return sealed
    }
}
