/// Parses the text output of a one-dimensional PostgreSQL array (`{a,"b c",NULL}`).
enum PostgresArrayLiteral {
    static func elements(of text: String) throws(PostgresError) -> [String?] {
        var characters = Substring(text)
        guard characters.first == "{", characters.last == "}" else {
            throw .decoding("\"\(text)\" is not an array")
        }
        characters = characters.dropFirst().dropLast()
        if characters.isEmpty { return [] }

        var elements: [String?] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for character in characters {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if character == "," && !quoted {
                elements.append(wasQuoted || current != "NULL" ? current : nil)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        elements.append(wasQuoted || current != "NULL" ? current : nil)
        return elements
    }
}
