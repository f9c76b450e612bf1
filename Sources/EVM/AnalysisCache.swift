package import Primitives

/// Analysed code by code hash, least recently used first out, bounded by the bytes
/// the analyses hold (padded code plus jump bitmap), so the code of any number of
/// contracts, including ones created inside free `eth_call`s, fits in a fixed budget.
///
/// Guarantees: ``bytes`` never exceeds ``byteLimit`` after ``put(_:_:)`` returns (an
/// analysis larger than the whole budget is simply not kept); `get` and `put` are
/// O(1). Not thread-safe: owned by one ``Interpreter``.
package struct AnalysisCache {
    /// One cached analysis in the recency list (indices into `nodes`; -1 is none).
    private struct Node {
        var hash: Hash32
        var code: AnalyzedCode
        var cost: Int
        var newer: Int
        var older: Int
    }

    package let byteLimit: Int
    package private(set) var bytes = 0
    private var index: [Hash32: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var newest = -1
    private var oldest = -1

    package init(byteLimit: Int) { self.byteLimit = byteLimit }

    package var count: Int { index.count }

    /// What one analysis costs the budget.
    package static func cost(of code: AnalyzedCode) -> Int { code.retainedBytes + 64 }

    package mutating func get(_ hash: Hash32) -> AnalyzedCode? {
        guard let i = index[hash] else { return nil }
        moveToFront(i)
        return nodes[i].code
    }

    package mutating func put(_ hash: Hash32, _ code: AnalyzedCode) {
        let cost = Self.cost(of: code)
        guard cost <= byteLimit else { return }
        if let i = index[hash] {
            bytes += cost - nodes[i].cost
            nodes[i].code = code
            nodes[i].cost = cost
            moveToFront(i)
        } else {
            let node = Node(hash: hash, code: code, cost: cost, newer: -1, older: -1)
            let i: Int
            if let reused = free.popLast() { nodes[reused] = node; i = reused } else { nodes.append(node); i = nodes.count - 1 }
            index[hash] = i
            bytes += cost
            linkAtFront(i)
        }
        while bytes > byteLimit, oldest >= 0 { evict(oldest) }
    }

    private mutating func evict(_ i: Int) {
        unlink(i)
        index[nodes[i].hash] = nil
        bytes -= nodes[i].cost
        // Drop the reference now; the slot is reused by the next insertion.
        nodes[i].code = AnalysisCache.empty
        free.append(i)
    }

    private static let empty = AnalyzedCode([])

    private mutating func moveToFront(_ i: Int) {
        guard newest != i else { return }
        unlink(i)
        linkAtFront(i)
    }

    private mutating func linkAtFront(_ i: Int) {
        nodes[i].older = newest
        nodes[i].newer = -1
        if newest >= 0 { nodes[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
    }

    private mutating func unlink(_ i: Int) {
        let newer = nodes[i].newer, older = nodes[i].older
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[i].newer = -1
        nodes[i].older = -1
    }
}
