import Foundation
import Instances
import Testing

@Suite("SCRAM-SHA-256 verifiers")
struct ScramVerifierTests {
    @Test("the verifier of RFC 7677's password 'pencil' with its salt is PostgreSQL's, computed independently")
    func knownVector() throws {
        let salt = try #require(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ=="))
        #expect(ScramVerifier.make(password: "pencil", salt: salt) ==
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")
    }

    @Test("a verifier without a salt given gets a fresh random one")
    func freshSalt() {
        #expect(ScramVerifier.make(password: "pencil") != ScramVerifier.make(password: "pencil"))
    }
}
