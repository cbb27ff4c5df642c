public import ArgumentParser
public import Foundation

/// `--tenant <uuid>` and `--id <uuid>` parse straight into `UUID`.
extension UUID: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        self.init(uuidString: argument)
    }
}
