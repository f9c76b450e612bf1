import Primitives
import ChainTypes
import EVM

/// Which precompiled contracts the node wires in per fork.
enum ActivePrecompiles {
    static func table(for fork: Fork) -> [Address: PrecompiledContract] { [:] }
}
