/// What is wrong with one line of an import file.
struct ImportLineError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
