@testable import PostgresClient
import Testing

@Suite("Connection settings")
struct ConfigurationTests {
    @Test("TCP keepalives and a user timeout are on unless the connection string sets its own")
    func livenessDefaults() throws {
        let defaults = try PostgresConfiguration(connectionString: "postgresql://app@db.example/tenantry").parameters()
        let values = Dictionary(defaults.map { ($0.keyword, $0.value) }, uniquingKeysWith: { $1 })
        #expect(values["keepalives"] == "1")
        #expect(values["keepalives_idle"] == "30")
        #expect(values["keepalives_interval"] == "10")
        #expect(values["keepalives_count"] == "3")
        #expect(values["tcp_user_timeout"] == "60000")
        #expect(values["connect_timeout"] == "10")

        let own = try PostgresConfiguration(connectionString: "postgresql://app@db.example/tenantry?keepalives_idle=5&tcp_user_timeout=1000").parameters()
        #expect(own.filter { $0.keyword == "keepalives_idle" }.map(\.value) == ["5"])
        #expect(own.filter { $0.keyword == "tcp_user_timeout" }.map(\.value) == ["1000"])
    }

    @Test("a statement's deadline defaults to 60 s and can be set per connection")
    func queryTimeout() {
        #expect(PostgresConfiguration(connectionString: "dbname=x").queryTimeout == .seconds(60))
        #expect(PostgresConfiguration(connectionString: "dbname=x", queryTimeout: .seconds(5)).queryTimeout == .seconds(5))
    }
}
