import Foundation
public import Primitives
import ChainTypes

extension TransactionPool {
    /// Writes every held transaction (pending and queued, each sender's in nonce order)
    /// to `path` as an RLP list of network encodings, replacing the file atomically —
    /// go-ethereum's `transactions.rlp` journal. Returns how many were written.
    @discardableResult
    public func saveJournal(to path: String) throws -> Int {
        var all: [SignedTransaction] = []
        for group in [pending(), queued()] {
            for (_, txs) in group.sorted(by: { $0.key < $1.key }) { all += txs.map(\.signed) }
        }
        var e = RLPEncoder()
        e.appendList { e in for tx in all { e.appendBytes(tx.networkEncoding) } }
        try Data(e.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        return all.count
    }

    /// Re-admits the transactions of a journal written by ``saveJournal(to:)``; those no
    /// longer valid (mined, underpriced, …) are dropped. A missing file is an empty
    /// journal; a damaged one is refused with an error and admits nothing.
    /// Returns (admitted, dropped).
    @discardableResult
    public func loadJournal(from path: String) throws -> (admitted: Int, dropped: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return (0, 0) }
        var r = RLPReader(Array(data))
        var list = try r.readList()
        var txs: [SignedTransaction] = []
        while !list.isAtEnd { txs.append(try SignedTransaction(networkEncoding: Array(try list.readBytes()))) }
        try r.finish()
        let results = add(txs)
        let admitted = results.filter { if case .success = $0 { true } else { false } }.count
        return (admitted, txs.count - admitted)
    }
}
