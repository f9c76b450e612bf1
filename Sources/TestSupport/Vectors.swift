public import Foundation

/// Finds the official conformance vectors (ethereum/tests fixtures and friends).
///
/// The folder is `$CLOISTER_VECTORS` when set, otherwise `../shared/vectors`
/// beside the package root. Vectors are read in place and never copied into
/// the repository. A test that needs vectors carries the trait
/// `.enabled(if: Vectors.has(paths…), Comment(rawValue: Vectors.skipReason(paths…)))`,
/// so that without them it is reported as *skipped* (never as passed) and the
/// rest of the suite runs unchanged.
public enum Vectors {
    /// The environment variable that overrides the vectors folder.
    public static let environmentVariable = "CLOISTER_VECTORS"

    /// The vectors folder, if it exists.
    public static let root: URL? = {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        } else {
            // …/Sources/TestSupport/Vectors.swift → package root → ../shared/vectors
            let packageRoot = URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors"))
            candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath)
                .deletingLastPathComponent().appendingPathComponent("shared/vectors"))
        }
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }?.standardizedFileURL
    }()

    /// Whether the vectors folder was found.
    public static var isAvailable: Bool { root != nil }

    /// What a skipped vector test says.
    public static let missingMessage =
        "conformance vectors not found (looked in $\(environmentVariable) or ../shared/vectors beside the package): skipped"

    /// Whether the vectors folder was found and holds every one of `relativePaths`
    /// (files or folders); with no paths, whether the folder was found. The condition
    /// of a vector test's `.enabled(if:)` trait.
    public static func has(_ relativePaths: String...) -> Bool {
        isAvailable && relativePaths.allSatisfy { url($0) != nil }
    }

    /// Why a test needing `relativePaths` is skipped: the folder is missing, or
    /// which of the paths it lacks. The comment of the test's `.enabled(if:)` trait.
    public static func skipReason(_ relativePaths: String...) -> String {
        guard let root else { return missingMessage }
        let absent = relativePaths.filter { url($0) == nil }
        if absent.isEmpty { return "conformance vectors found in \(root.path)" }
        return "\(absent.joined(separator: ", ")) not found in the vectors folder \(root.path): skipped"
    }

    /// The URL of a file or folder under the vectors root, if it exists.
    public static func url(_ relativePath: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Parses a JSON file under the vectors root.
    public static func json(_ relativePath: String) throws -> Any {
        guard let url = url(relativePath) else { throw VectorError.missing(relativePath) }
        let data = try Data(contentsOf: url)
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// Every `.json` file under a folder of the vectors root, sorted by path.
    public static func jsonFiles(under relativePath: String) -> [URL] {
        guard let dir = url(relativePath),
              let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }
}

/// A vector file could not be used.
public enum VectorError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .missing(let p): "vector file missing: \(p)"
        case .malformed(let why): "malformed vector: \(why)"
        }
    }
}
