import Testing
import ChainTypes
import EVM
import Primitives

/// Which precompiles each fork has: 0x01–0x04 from Frontier, 0x05–0x08 from Byzantium
/// (EIP-198, EIP-196, EIP-197), 0x09 from Istanbul (EIP-152); 0x0a never (no blobs here).
@Suite struct PrecompileRegistryTests {
    typealias F = PrecompileFixture

    static func expectedCount(_ fork: Fork) -> Int {
        fork >= .istanbul ? 9 : fork >= .byzantium ? 8 : 4
    }

    @Test(arguments: Fork.allCases)
    func activeSetIsDenseAndOrdered(fork: Fork) {
        let active = Precompiles.active(in: fork)
        #expect(active.count == Self.expectedCount(fork))
        for (i, contract) in active.enumerated() {
            #expect(contract.address == F.address(UInt8(i + 1)))
        }
        #expect(Precompiles.addresses(in: fork) == active.map(\.address))
        let table = Precompiles.table(for: fork)
        #expect(table.count == active.count)
        for contract in active { #expect(table[contract.address]?.name == contract.name) }
    }

    @Test(arguments: Fork.allCases)
    func lookupByAddress(fork: Fork) {
        let count = Self.expectedCount(fork)
        #expect(Precompiles.contract(at: .zero, fork: fork) == nil)
        for index in UInt8(1)...UInt8(0x0b) {
            let found = Precompiles.contract(at: F.address(index), fork: fork)
            if Int(index) <= count {
                #expect(found?.address == F.address(index))
            } else {
                #expect(found == nil, "0x\(String(index, radix: 16)) must be absent at \(fork)")
            }
        }
        // Only the exact 20-byte forms count: a non-zero high byte is an ordinary account.
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[0] = 1; bytes[19] = 1
        #expect(Precompiles.contract(at: Address(bytes) ?? .zero, fork: fork) == nil)
        bytes[0] = 0; bytes[18] = 1
        #expect(Precompiles.contract(at: Address(bytes) ?? .zero, fork: fork) == nil)
        #expect(Precompiles.contract(at: F.address(0xff), fork: fork) == nil)
    }

    @Test func namesAndActivation() {
        let names = Precompiles.active(in: .cancun).map(\.name)
        #expect(Array(names.prefix(5)) == ["ecrecover", "sha256", "ripemd160", "identity", "modexp"])
        #expect(names.last == "blake2f")
        #expect(Precompiles.contract(at: F.address(5), fork: .spuriousDragon) == nil)
        #expect(Precompiles.contract(at: F.address(5), fork: .byzantium)?.name == "modexp")
        #expect(Precompiles.contract(at: F.address(9), fork: .petersburg) == nil)
        #expect(Precompiles.contract(at: F.address(9), fork: .istanbul)?.name == "blake2f")
        #expect(Precompiles.contract(at: F.address(0x0a), fork: .cancun) == nil)   // no KZG point evaluation
    }
}
