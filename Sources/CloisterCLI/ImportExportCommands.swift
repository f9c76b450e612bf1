import ArgumentParser
import Foundation
import Primitives
import Storage
import ChainTypes
import Chain

/// `cloister import --datadir DIR FILE…`: imports concatenated RLP blocks (geth's export format).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import blocks from files of concatenated RLP blocks (as `geth export` and `cloister export` write them).",
        discussion: "Every block is fully verified (seal, header rules, execution, receipts and state roots). The import stops at the first bad block with the rule it broke; blocks before it stay imported."
    )

    @Option(help: "The data directory (initialised with `cloister init`).")
    var datadir: String

    @Argument(help: "Files of concatenated RLP blocks.")
    var files: [String]

    func run() throws {
        let store: LMDBStore
        do { store = try LMDBStore(path: datadir) } catch { throw CLIError("\(error)") }
        let chain: Blockchain
        do { chain = try Blockchain.open(store: store) } catch { throw CLIError("\(error)") }
        var progress = ImportProgress()
        for file in files {
            let bytes: [UInt8]
            do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
                throw CLIError("cannot read \(file): \(error.localizedDescription)")
            }
            let sections = try SectionsFile.read(SectionsFile.path(beside: file))
            var reader = RLPReader(bytes)
            var index = 0
            while !reader.isAtEnd {
                let offset = reader.position
                let block: Block
                do { block = try Block(from: &reader) } catch {
                    throw CLIError("\(file): block \(index) at byte \(offset) does not decode: \(error)")
                }
                let result: ImportResult
                do { result = try chain.insert(block, section: sections[block.hash]) } catch {
                    throw CLIError("\(file): block \(block.header.number) [\(block.hash)] refused: \(error)")
                }
                progress.record(result, gasUsed: block.header.gasUsed, transactions: block.transactions.count)
                index += 1
            }
        }
        progress.finish(head: chain.head)
    }
}

/// Counts and rates printed during an import.
struct ImportProgress {
    let start = Date()
    var lastReport = Date()
    var blocks = 0, transactions = 0, gas: UInt64 = 0, known = 0, side = 0

    mutating func record(_ result: ImportResult, gasUsed: UInt64, transactions txs: Int) {
        switch result.kind {
        case .alreadyKnown: known += 1
        case .sideChain: side += 1
        case .extended, .reorganized: break
        }
        blocks += 1; transactions += txs; gas += gasUsed
        if Date().timeIntervalSince(lastReport) >= 5 {
            lastReport = Date()
            print("Imported \(blocks) blocks, number \(result.number) … \(rates)")
        }
    }

    var rates: String {
        let s = max(Date().timeIntervalSince(start), 1e-6)
        return String(format: "%.1f blocks/s, %.1f Mgas/s, %.0f tx/s", Double(blocks) / s, Double(gas) / s / 1e6, Double(transactions) / s)
    }

    func finish(head: SealedHeader) {
        let s = Date().timeIntervalSince(start)
        print("Imported \(blocks) blocks (\(transactions) transactions, \(gas) gas) in \(String(format: "%.3f", s)) s: \(rates)"
              + (known > 0 ? "; \(known) already known" : "") + (side > 0 ? "; \(side) on side branches" : ""))
        print("Head: \(head.header.number) \(head.hash)")
    }
}

/// `cloister export --datadir DIR FILE [FIRST LAST]`: writes canonical blocks as concatenated RLP.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export canonical blocks to a file of concatenated RLP blocks (geth's format)."
    )

    @Option(help: "The data directory.")
    var datadir: String

    @Argument(help: "The output file.")
    var file: String

    @Argument(help: "First block (default 0).")
    var first: UInt64?

    @Argument(help: "Last block (default the head).")
    var last: UInt64?

    func run() throws {
        let store: LMDBStore
        do { store = try LMDBStore(path: datadir) } catch { throw CLIError("\(error)") }
        let chain: Blockchain
        do { chain = try Blockchain.open(store: store) } catch { throw CLIError("\(error)") }
        let from = first ?? 0
        let to = last ?? chain.head.header.number
        guard from <= to else { throw CLIError("first block \(from) is after last block \(to)") }
        guard to <= chain.head.header.number else { throw CLIError("last block \(to) is beyond the head \(chain.head.header.number)") }
        guard FileManager.default.createFile(atPath: file, contents: nil) else { throw CLIError("cannot create \(file)") }
        guard let out = FileHandle(forWritingAtPath: file) else { throw CLIError("cannot write \(file)") }
        defer { try? out.close() }
        let start = Date()
        var buffer: [UInt8] = []
        var sections: [UInt8] = []
        for n in from...to {
            guard let header = chain.canonicalHeader(n), let block = chain.block(hash: header.hash) else {
                throw CLIError("block \(n) is missing from the data directory")
            }
            buffer += block.rlpEncoded
            if buffer.count > 1 << 20 { out.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
            if let section = chain.section(of: header.hash) { sections += SectionsFile.entry(block: header.hash, section: section) }
        }
        out.write(Data(buffer))
        let sidecar = SectionsFile.path(beside: file)
        if !sections.isEmpty {
            guard FileManager.default.createFile(atPath: sidecar, contents: Data(sections)) else { throw CLIError("cannot write \(sidecar)") }
            print("Wrote the confidential sections of the range to \(sidecar) (import reads them from beside the blocks file)")
        } else if FileManager.default.fileExists(atPath: sidecar) {
            try? FileManager.default.removeItem(atPath: sidecar)
        }
        print("Exported blocks \(from)…\(to) to \(file) in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
    }
}

/// The confidential sections of an exported range (CONFIDENTIAL.md section 6), in a file
/// beside the blocks (`FILE.sections`), since geth's block format has no place for them:
/// concatenated RLP items `[blockHash, sectionRlp]`. Import checks each section like any
/// other (the block's vanity, then every keyless check).
enum SectionsFile {
    static func path(beside blocksFile: String) -> String { blocksFile + ".sections" }

    static func entry(block: Hash32, section: ConfidentialSection) -> [UInt8] {
        var e = RLPEncoder()
        e.appendList { e in e.append(block); e.appendBytes(section.rlp) }
        return e.bytes
    }

    /// The sections in `path` by block hash; empty when there is no such file.
    static func read(_ path: String) throws -> [Hash32: ConfidentialSection] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw CLIError("cannot read \(path): \(error.localizedDescription)")
        }
        var reader = RLPReader(bytes)
        var out: [Hash32: ConfidentialSection] = [:]
        while !reader.isAtEnd {
            let offset = reader.position
            do {
                var item = try reader.readList()
                let hash = try item.readFixed(Hash32.self)
                let section = try ConfidentialSection(rlp: Array(try item.readBytes()))
                try item.finish()
                out[hash] = section
            } catch { throw CLIError("\(path): the entry at byte \(offset) does not decode: \(error)") }
        }
        return out
    }
}
