import Testing
@testable import P2P

/// Capability negotiation and message-id offsets (rlpx.md, message-id multiplexing).
@Suite struct CapabilityTableTests {
    @Test func ethAloneStartsAt0x10() throws {
        let table = CapabilityTable(local: [.eth68, .clo1], remote: [.eth68, Capability(name: "snap", version: 1)])
        #expect(table.capabilities == [.eth68])
        let eth = try #require(table.entry(named: "eth"))
        #expect(eth.wireIDs == 0x10..<0x21)
        #expect(route(table, 0x10) == route(Capability.eth68, 0x00))
        #expect(route(table, 0x20) == route(Capability.eth68, 0x10))
        #expect(route(table, 0x21) == nil)
        #expect(table.wireID(capability: "eth", localID: Eth.MessageID.receipts.rawValue) == 0x20)
        #expect(table.wireID(capability: "eth", localID: 17) == nil)
        #expect(table.wireID(capability: "clo", localID: 0) == nil)
    }

    @Test func cloSortsBeforeEth() throws {
        let table = CapabilityTable(local: [.eth68, .clo1], remote: [.eth68, .clo1])
        #expect(table.capabilities == [.clo1, .eth68])
        #expect(table.entry(named: "clo")?.wireIDs == 0x10..<0x12)
        #expect(table.entry(named: "eth")?.wireIDs == 0x12..<0x23)
        #expect(route(table, 0x11) == route(Capability.clo1, Clo.MessageID.sections.rawValue))
        #expect(route(table, 0x12) == route(Capability.eth68, Eth.MessageID.status.rawValue))
        #expect(route(table, 0x22) == route(Capability.eth68, Eth.MessageID.receipts.rawValue))
        #expect(route(table, 0x23) == nil)
        #expect(table.wireID(capability: "clo", localID: 1) == 0x11)
        #expect(table.wireID(capability: "eth", localID: 0) == 0x12)
    }

    @Test func baseProtocolOwnsTheFirstSixteenIDs() {
        let table = CapabilityTable(local: [.eth68], remote: [.eth68])
        #expect(route(table, 0x00) == route(Capability.p2p5, 0x00))
        #expect(route(table, 0x0f) == route(Capability.p2p5, 0x0f))
        #expect(table.wireID(capability: "p2p", localID: 0x03) == 0x03)
        #expect(table.wireID(capability: "p2p", localID: 0x10) == nil)
    }

    @Test func highestCommonVersionWins() {
        let eth66 = SupportedCapability(Capability(name: "eth", version: 66), messageCount: 17)
        let eth67 = SupportedCapability(Capability(name: "eth", version: 67), messageCount: 17)
        let table = CapabilityTable(local: [eth66, .eth68, eth67],
                                    remote: [Capability(name: "eth", version: 66), Capability(name: "eth", version: 67),
                                             Capability(name: "eth", version: 69)])
        #expect(table.capabilities == [Capability(name: "eth", version: 67)])
        #expect(table.entry(named: "eth")?.offset == 0x10)
    }

    @Test func nothingSharedIsEmpty() {
        let table = CapabilityTable(local: [.eth68], remote: [Capability(name: "eth", version: 67), Capability(name: "les", version: 4)])
        #expect(table.entries.isEmpty)
        #expect(route(table, 0x10) == nil)
    }

    @Test func orderingIsBytewiseByName() {
        let a = SupportedCapability(Capability(name: "aaa", version: 1), messageCount: 3)
        let z = SupportedCapability(Capability(name: "zz", version: 2), messageCount: 1)
        let table = CapabilityTable(local: [z, .eth68, a], remote: [z.capability, .eth68, a.capability])
        #expect(table.capabilities.map(\.name) == ["aaa", "eth", "zz"])
        #expect(table.entries.map(\.offset) == [0x10, 0x13, 0x24])
    }

    /// A route as text, so routes compare with `==`.
    private func route(_ table: CapabilityTable, _ wireID: UInt64) -> String? {
        table.route(wireID: wireID).map { "\($0.capability)#\($0.localID)" }
    }

    private func route(_ capability: Capability, _ localID: UInt64) -> String? { "\(capability)#\(localID)" }
}
