/// `CloisterFuzz`: libFuzzer targets for the decoders of peer data (see ``FuzzTarget``).
///
/// Built with `-sanitize=fuzzer -DFUZZING` (tools/fuzz.sh), `main` hands control to
/// libFuzzer's driver with ``fuzzOneInput(_:_:)`` (also exported as
/// `LLVMFuzzerTestOneInput`). SwiftPM links an executable's Swift entry point as
/// `main`, so the driver is called from here rather than through libFuzzer's own
/// `main`. In a normal build the same entry is a replay tool:
/// `CLOISTER_FUZZ=rlpx-frame CloisterFuzz FILE|DIR…` runs saved inputs (a crash
/// reproducer, a corpus) through the same code without libFuzzer.

#if FUZZING
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzEntry.target.run(input)
    return 0
}

@main
enum CloisterFuzzMain {
    static func main() {
        _ = FuzzEntry.target  // fail fast, before libFuzzer starts, when CLOISTER_FUZZ is wrong
        FuzzEntry.writeSeeds()
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
import Foundation

@main
enum CloisterFuzzReplay {
    static func main() {
        let target = FuzzEntry.target
        let fm = FileManager.default
        var files: [String] = []
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FuzzEntry.fail("no such file: \(path)")
            }
            if isDirectory.boolValue {
                let names = (try? fm.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = fm.contents(atPath: file) else { FuzzEntry.fail("cannot read \(file)") }
            target.run([UInt8](data))
        }
        print("\(target.rawValue): replayed \(files.count) inputs")
    }
}
#endif

/// The target chosen by `CLOISTER_FUZZ`; exits with a usage message when unset or unknown.
enum FuzzEntry {
    static let target: FuzzTarget = {
        guard let target = FuzzTarget.selected else {
            fail("set \(FuzzTarget.environmentVariable) to one of: "
                 + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return target
    }()

    /// Writes the target's seeds into `CLOISTER_FUZZ_SEEDS` (a corpus directory) when it
    /// is set and holds no input yet.
    static func writeSeeds() {
        guard let directory = getEnvironment("CLOISTER_FUZZ_SEEDS"), let dir = opendir(directory) else { return }
        var empty = true
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { empty = false; break }
        }
        closedir(dir)
        guard empty else { return }
        for (i, seed) in target.seeds.enumerated() {
            let path = directory + "/seed-\(i)"
            guard let file = fopen(path, "wb") else { fail("cannot write \(path)") }
            _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }

    static func fail(_ message: String) -> Never {
        let text = Array("CloisterFuzz: \(message)\n".utf8)
        _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
