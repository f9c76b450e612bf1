public import Primitives
public import State
public import ConfidentialState
public import ChainTypes
import Synchronization

/// The host's side of "facts the enclave can check": which registry slots a request needs.
///
/// Reads the registry of a committed state the way the enclave will (every enclave record,
/// the generations, the policy in force) through slots that remember what was read, so the
/// host proves exactly those slots (``slots``) and the enclave, reading the same records,
/// never meets an unproven one.
public final class RecordingRegistrySlots: RegistrySlots, @unchecked Sendable {
    private let reader: any StateReader
    private let read = Mutex<Set<UInt256>>([])

    public init(reader: any StateReader) { self.reader = reader }

    public func read(_ slot: UInt256) throws -> UInt256 {
        read.withLock { _ = $0.insert(slot) }
        return try reader.storage(RegistryLayout.address, slot: slot)
    }

    public func write(_ slot: UInt256, _ value: UInt256) throws { throw RegistryError.readOnly }

    /// The slots read so far, sorted.
    public var slots: [UInt256] { read.withLock { $0.sorted() } }

    /// The slots every key request reads: all enclave records, the generations and the
    /// policy in force.
    public static func factSlots(reader: any StateReader, genesis: ConfidentialConfig) throws -> [UInt256] {
        let recording = RecordingRegistrySlots(reader: reader)
        let registry = Registry(slots: recording)
        _ = try registry.enclaves()
        _ = try registry.generations()
        _ = try registry.policy(genesis: genesis)
        return recording.slots
    }
}
