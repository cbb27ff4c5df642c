/// One flag of a catalog. A reference, so that evaluation reads the fields it needs (the
/// compiled flag, one override) without copying the whole flag, and a catalog value copies
/// references, not flags.
///
/// `@unchecked Sendable`, and safe: `flag` changes only through `update`, which
/// `FlagCatalog.apply` calls only on an entry it holds the only reference to
/// (`isKnownUniquelyReferenced`), so no other catalog value, and so no other thread, can be
/// reading it meanwhile; an entry shared with another catalog is replaced by a copy first.
final class FlagEntry: @unchecked Sendable {
    private(set) var flag: Flag

    init(_ flag: Flag) {
        self.flag = flag
    }

    func update(_ change: (inout Flag) -> Void) {
        change(&flag)
    }
}
