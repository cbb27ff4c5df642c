import Foundation
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
        #expect(values["connect_timeout"] == String(PostgresConfiguration.defaultConnectTimeoutSeconds))

        let own = try PostgresConfiguration(connectionString: "postgresql://app@db.example/tenantry?keepalives_idle=5&tcp_user_timeout=1000").parameters()
        #expect(own.filter { $0.keyword == "keepalives_idle" }.map(\.value) == ["5"])
        #expect(own.filter { $0.keyword == "tcp_user_timeout" }.map(\.value) == ["1000"])
    }

    @Test("the connect timeout is 10 s unless PGCONNECT_TIMEOUT sets a positive number of seconds")
    func connectTimeoutDefault() {
        let fromEnvironment = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"].flatMap { Int($0) }
        let expected = fromEnvironment.flatMap { $0 > 0 ? $0 : nil } ?? 10
        #expect(PostgresConfiguration.defaultConnectTimeoutSeconds == expected)
        #expect(PostgresConfiguration(connectionString: "dbname=x", connectTimeoutSeconds: 3).connectTimeoutSeconds == 3)
    }

    @Test("a statement's deadline defaults to 60 s and can be set per connection")
    func queryTimeout() {
        #expect(PostgresConfiguration(connectionString: "dbname=x").queryTimeout == .seconds(60))
        #expect(PostgresConfiguration(connectionString: "dbname=x", queryTimeout: .seconds(5)).queryTimeout == .seconds(5))
    }

    @Test("another login on the same server: the URL's user and password replaced, its client certificate dropped, the rest kept")
    func replacingTheLogin() throws {
        let operatorURL = "postgresql://ops:s3cret@db.example:6432/tenantry?sslmode=verify-full&sslcert=/etc/ops.crt&sslkey=/etc/ops.key"
        let instance = try PostgresConfiguration.connectionString(
            operatorURL, replacing: ["user": "tenantry_instance_acme", "password": "it's\\new", "sslcert": nil, "sslkey": nil])
        #expect(!instance.contains("s3cret") && !instance.contains("ops"), "\(instance)")
        let configuration = PostgresConfiguration(connectionString: instance)
        #expect(try configuration.value(of: "user") == "tenantry_instance_acme")
        #expect(try configuration.value(of: "password") == "it's\\new")
        #expect(try configuration.value(of: "host") == "db.example")
        #expect(try configuration.value(of: "port") == "6432")
        #expect(try configuration.value(of: "dbname") == "tenantry")
        #expect(try configuration.value(of: "sslmode") == "verify-full")
        #expect(try configuration.value(of: "sslcert") == nil)
        #expect(throws: PostgresError.self) { try PostgresConfiguration.connectionString("host=db port", replacing: [:]) }
    }
}
