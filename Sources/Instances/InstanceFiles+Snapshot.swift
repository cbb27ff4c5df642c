import Foundation
import Glibc

extension InstanceFiles {
    /// The rendered files as they were, byte for byte with their modes, taken before they are
    /// rendered again, so that a change that is rolled back puts back exactly what ran before
    /// (rendered by whichever release rendered it).
    public struct Snapshot: Sendable {
        /// Each rendered file's text and mode; nil for one that did not exist.
        fileprivate let files: [URL: Saved?]

        fileprivate struct Saved: Sendable {
            let text: String
            let mode: mode_t
        }
    }

    /// The files `render` writes for `slug`, as they are now.
    public func snapshot(slug: String) throws -> Snapshot {
        var files: [URL: Snapshot.Saved?] = [:]
        for file in renderedFiles(slug: slug) {
            var status = stat()
            guard stat(file.path, &status) == 0 else {
                files.updateValue(nil, forKey: file)
                continue
            }
            let text = try String(contentsOf: file, encoding: .utf8)
            files[file] = Snapshot.Saved(text: text, mode: status.st_mode & 0o777)
        }
        return Snapshot(files: files)
    }

    /// Puts every file of `snapshot` back (written anew with its mode, as `render` writes);
    /// one that did not exist is removed.
    public func restore(_ snapshot: Snapshot) throws {
        for (file, saved) in snapshot.files {
            if let saved {
                try Self.write(saved.text, to: file, mode: saved.mode)
            } else if FileManager.default.fileExists(atPath: file.path) {
                try FileManager.default.removeItem(at: file)
            }
        }
    }
}
