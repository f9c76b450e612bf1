import Foundation
import Logging
import CoreMetrics
import Primitives
import ChainTypes
import Chain
import EnclaveProtocol
import RPC

/// What an authority's re-execution has seen: the recent blocks it checked, and the blocks
/// whose section its enclave computed differently (faults).
struct ReexecutionState {
    var checked = Set<Hash32>()
    var checkedOrder: [Hash32] = []
    var faults: [Hash32: SectionFault] = [:]

    mutating func markChecked(_ hash: Hash32) {
        guard checked.insert(hash).inserted else { return }
        checkedOrder.append(hash)
        if checkedOrder.count > 4_096 { checked.remove(checkedOrder.removeFirst()) }
    }
}

extension ConfidentialAgent {
    /// How far below the head re-execution looks after a start or a reorg.
    static let reexecutionWindow: UInt64 = 64

    /// CONFIDENTIAL.md section 8, step 3: every canonical block whose section another
    /// authority's enclave signed is re-executed here, from the same parent and header
    /// fields, when this enclave holds the section's generation. A section that differs in
    /// anything but its statements marks the block **faulty**: an error log line with both
    /// hashes, a metric, `conf_getFaults`, and no sealing on it or its descendants. Validity
    /// itself stays the keyless checks' (every node agrees on it); a fault is an alarm for
    /// the consortium, not a fork.
    func reexecuteRecent() throws {
        let head = chain.head.header.number
        let from = head > Self.reexecutionWindow ? head - Self.reexecutionWindow : 1
        guard from <= head else { return }
        let mine = enclave.enclaveID
        for number in from...head {
            guard let header = chain.canonicalHeader(number) else { continue }
            if reexecution.withLock({ $0.checked.contains(header.hash) }) { continue }
            defer { reexecution.withLock { $0.markChecked(header.hash) } }
            guard let section = chain.section(of: header.hash), !section.statements.contains(where: { $0.enclaveID == mine }),
                  holds(section.generation) else { continue }
            try reexecute(header, section: section)
        }
    }

    private func reexecute(_ header: SealedHeader, section: ConfidentialSection) throws {
        guard let block = chain.block(hash: header.hash), let parent = chain.header(hash: header.header.parentHash) else { return }
        let h = header.header
        let context = ExecContext(author: try clique.signer(of: header), number: h.number, gasLimit: h.gasLimit, timestamp: h.timestamp,
                                  difficulty: h.difficulty, mixDigest: h.mixHash, baseFeePerGas: h.baseFeePerGas ?? .zero)
        let request = ExecuteBlockRequest(context: context, parentHash: parent.hash, generation: section.generation,
                                          parentEncStateRoot: section.parentEncStateRoot,
                                          ancestorSection: chain.nearestSection(atOrBelow: parent.hash)?.section.rlp ?? [],
                                          transactions: block.transactions.filter { $0.type == .confidential }.map(\.networkEncoding),
                                          reexecution: true)
        let chain = self.chain
        let ours: ConfidentialSection
        do {
            guard case .section(let bytes) = try enclave.client.request(.executeBlock(request), nodes: { chain.encryptedTrieNode($0) }) else {
                throw NodeError("the enclave answered a re-execution with another message")
            }
            ours = try ConfidentialSection(rlp: bytes)
        } catch {
            logger.warning("Could not re-execute a confidential block", metadata: ["number": "\(h.number)", "hash": "\(header.hash)",
                                                                                  "error": "\(error)"])
            return
        }
        guard ours != section.withoutStatements else { return }
        let fault = SectionFault(blockHash: header.hash, number: h.number, expectedSectionHash: ours.hash,
                                 gotSectionHash: section.withoutStatements.hash)
        reexecution.withLock { $0.faults[header.hash] = fault }
        Counter(label: "cloister_confidential_faults_total").increment()
        logger.error("Faulty confidential section: this node's enclave re-executed the block differently; not sealing on it",
                     metadata: ["number": "\(h.number)", "block": "\(header.hash)", "expectedSection": "\(fault.expectedSectionHash)",
                                "gotSection": "\(fault.gotSectionHash)",
                                "signedBy": "\(section.statements.map(\.enclaveID.description).joined(separator: ","))"])
    }

    /// Faults found at or after block `from`, oldest first.
    func faults(from: UInt64) -> [SectionFault] {
        reexecution.withLock { Array($0.faults.values) }.filter { $0.number >= from }.sorted { $0.number < $1.number }
    }

    /// Why this node must not seal on `parent` (it or an ancestor is faulty), or nil.
    func sealingVeto(on parent: SealedHeader) -> String? {
        let faults = reexecution.withLock { $0.faults }
        guard let lowest = faults.values.map(\.number).min() else { return nil }
        var cursor: SealedHeader? = parent
        while let h = cursor, h.header.number >= lowest {
            if faults[h.hash] != nil { return "block \(h.header.number) (\(h.hash)) is faulty: its section differs from this enclave's re-execution" }
            cursor = chain.header(hash: h.header.parentHash)
        }
        return nil
    }
}
