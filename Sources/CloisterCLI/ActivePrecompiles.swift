import Primitives
import ChainTypes
import EVM

/// Which precompiled contracts the node wires in per fork: 0x01–0x09 (no 0x0a:
/// this chain carries no blobs, so KZG point evaluation answers as absent).
enum ActivePrecompiles {
    static func table(for fork: Fork) -> [Address: PrecompiledContract] { Precompiles.table(for: fork) }
}
