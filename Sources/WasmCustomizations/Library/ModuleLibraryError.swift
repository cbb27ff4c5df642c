/// Why the module library refused.
public enum ModuleLibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id is a compiled-in customization's.
    case reservedID(String)
    /// That version is installed with other bytes.
    case versionTaken(reference: String, sha256: String)
    /// Installs of the same id kept racing.
    case busy(String)
    /// Stored bytes that do not compile, or not the ones recorded.
    case corrupt(reference: String, problem: String)

    public var description: String {
        switch self {
        case .reservedID(let id): "customization \(id) is compiled into this release; a module needs another id"
        case .versionTaken(let reference, let sha256): "\(reference) is installed already with other bytes (sha256:\(sha256)); bump the version"
        case .busy(let id): "customization \(id) is being installed by someone else; try again"
        case .corrupt(let reference, let problem): "module \(reference) cannot be loaded: \(problem)"
        }
    }
}

