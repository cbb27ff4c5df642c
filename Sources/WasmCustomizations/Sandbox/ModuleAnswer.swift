import Extensions
import Foundation

/// What a module's answers mean (ABI v1). An answer the ABI does not define is the module's
/// fault: a `HookTrap` (reason `bad-answer`), never taken as acceptance.
enum ModuleAnswer {
    /// The longest refusal shown to a caller.
    static let refusalLimit = 1024

    /// A validator's: nothing or `{"accept":true}` accepts, `{"refuse":"…"}` refuses.
    static func verdict(_ answer: [UInt8]?) throws {
        guard let answer else { return }
        let object = try decode(answer, as: "a validator's", expecting: #"{"accept":true} or {"refuse":"…"}"#)
        if object.count == 1, case .boolean(true)? = object["accept"] { return }
        if object.count == 1, case .string(let reason)? = object["refuse"] {
            let shown = String(reason.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init).prefix(refusalLimit))
            throw Refusal(shown.isEmpty ? "refused" : shown)
        }
        throw bad("a validator's", expecting: #"{"accept":true} or {"refuse":"…"}"#)
    }

    /// A reaction's: nothing or `{"ok":true}` delivered; `{"retry":"…"}` asks to be retried.
    static func delivery(_ answer: [UInt8]?) throws {
        guard let answer else { return }
        let object = try decode(answer, as: "a reaction's", expecting: #"{"ok":true} or {"retry":"…"}"#)
        if object.count == 1, case .boolean(true)? = object["ok"] { return }
        if object.count == 1, case .string(let why)? = object["retry"] {
            throw RetryAsked(reason: String(why.prefix(refusalLimit)))
        }
        throw bad("a reaction's", expecting: #"{"ok":true} or {"retry":"…"}"#)
    }

    /// Flag defaults: `{"defaults":[{"flag":"…","variant":"…"}]}`.
    static func flagDefaults(_ answer: [UInt8]?) throws(HookTrap) -> [FlagDefault] {
        guard let answer else { return [] }
        let expecting = #"{"defaults":[{"flag":"…","variant":"…"}]}"#
        let object = try decode(answer, as: "its flag defaults'", expecting: expecting)
        guard object.count == 1, case .list(let list)? = object["defaults"] else { throw bad("its flag defaults'", expecting: expecting) }
        var defaults: [FlagDefault] = []
        for entry in list {
            guard let entry = entry.members, entry.count == 2, case .string(let flag)? = entry["flag"], case .string(let variant)? = entry["variant"],
                !flag.isEmpty, !variant.isEmpty
            else {
                throw bad("its flag defaults'", expecting: expecting)
            }
            defaults.append(FlagDefault(flagKey: flag, variant: variant))
        }
        return defaults
    }

    /// A reaction asked to be tried again later.
    struct RetryAsked: Error, CustomStringConvertible {
        let reason: String
        var description: String { "it asked to be retried: \(reason)" }
    }

    private static func decode(_ answer: [UInt8], as what: String, expecting: String) throws(HookTrap) -> [String: ModuleJSON] {
        guard let object = ModuleJSON.decode(answer)?.members else {
            throw bad(what, expecting: expecting)
        }
        return object
    }

    private static func bad(_ what: String, expecting: String) -> HookTrap {
        HookTrap(reason: "bad-answer", detail: "\(what) answer is not \(expecting)")
    }
}
