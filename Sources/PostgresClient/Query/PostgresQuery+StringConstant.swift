extension PostgresQuery.StringInterpolation {
    /// A string constant where SQL takes no parameter (`COMMENT ON … IS '…'`), written as an
    /// escape string (`E'…'`, quotes and backslashes doubled), which reads the same whatever
    /// `standard_conforming_strings` is. Like `identifier:`, the statement is not cached.
    public mutating func appendInterpolation(stringConstant value: String) {
        var quoted = "E'"
        for character in value.unicodeScalars {
            switch character {
            case "'": quoted += "''"
            case "\\": quoted += "\\\\"
            case "\0": continue  // PostgreSQL text cannot hold NUL
            default: quoted.unicodeScalars.append(character)
            }
        }
        sql += quoted + "'"
        isCacheable = false
    }
}
