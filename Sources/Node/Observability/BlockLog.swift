import Logging
import CoreMetrics
import Primitives
import ChainTypes
import Chain
import Consensus

/// One info line per block the node sealed or imported — number, hash, transactions, gas,
/// signer and whether it was sealed in turn — and the sealing counters. Nothing of a
/// block's contents beyond these public header facts is logged.
enum BlockLog {
    /// `cloister_chain_blocks_sealed_total{turn}`: blocks this node sealed, in or out of turn.
    static func sealed(_ block: Block, signer: Address, logger: Logger) {
        let inTurn = block.header.difficulty == CliqueSeal.inTurnDifficulty
        Counter(label: "cloister_chain_blocks_sealed_total", dimensions: [("turn", inTurn ? "in" : "out")]).increment()
        logger.info("Sealed block", metadata: [
            "number": "\(block.header.number)", "hash": "\(block.hash)", "txs": "\(block.transactions.count)",
            "gas": "\(block.header.gasUsed)", "signer": "\(signer)", "inTurn": "\(inTurn)",
        ])
    }

    /// Logs every block that becomes canonical and was not sealed by `own` (the sealing
    /// loop logs those), and every reorganisation with its depth; counts every block that
    /// becomes canonical, sealed here or imported, in turn or out of turn
    /// (`cloister_chain_canonical_blocks_total{turn}`).
    static func follow(_ chain: Blockchain, clique: Clique, own: Address?, logger: Logger) {
        chain.onHeadChange { result in
            if !result.removedCanonical.isEmpty {
                logger.warning("Chain reorganised", metadata: [
                    "depth": "\(result.removedCanonical.count)", "added": "\(result.newCanonical.count)",
                    "head": "\(result.number)", "hash": "\(result.hash)",
                ])
            }
            for hash in result.newCanonical {
                guard let header = chain.header(hash: hash) else { continue }
                let inTurn = header.header.difficulty == CliqueSeal.inTurnDifficulty
                Counter(label: "cloister_chain_canonical_blocks_total", dimensions: [("turn", inTurn ? "in" : "out")]).increment()
                let signer = try? clique.signer(of: header)
                if let own, signer == own { continue }
                logger.info("Imported block", metadata: [
                    "number": "\(header.header.number)", "hash": "\(hash)",
                    "txs": "\(chain.block(hash: hash)?.transactions.count ?? 0)", "gas": "\(header.header.gasUsed)",
                    "signer": "\(signer.map { "\($0)" } ?? "unknown")",
                    "inTurn": "\(inTurn)",
                ])
            }
        }
    }
}
