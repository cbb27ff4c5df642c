import Metrics
public import Prometheus

/// The process's Prometheus registry, installed as swift-metrics' backend the first time a
/// server asks for it: swift-metrics takes one backend per process, so every server in the
/// process (tests start several) shares it.
public enum MetricsRegistry {
    /// The registry `/metrics` renders.
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // swift-metrics labels use dots (`http.server.request.duration`); Prometheus names and
        // label names allow [a-zA-Z0-9_:] only.
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusName($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static func prometheusName(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == ":")
                ? Character(scalar) : "_"
        })
    }
}
