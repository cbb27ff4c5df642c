public import FeatureFlags
import Foundation
public import NIOCore
public import Provisioning
import Tenantry

/// An OFREP request body, `{"context": {"targetingKey": …, …}}`, read into the evaluation
/// context for the calling tenant.
///
/// `targetingKey` is optional in Tenantry (it defaults to the tenant's id); the tenant's own
/// attributes come from its record, never from the body (`tenant.*` names are refused).
public enum OFREPRequest {
    /// The context `body` asks for, with `tenant`'s attributes; PARSE_ERROR or INVALID_CONTEXT
    /// (with details saying what was wrong) when there is none.
    public static func evaluationContext(body: ByteBuffer, tenant: TenantState) throws(OFREPRequestError) -> EvaluationContext {
        let value: JSONValue
        do {
            value = try JSONReader.parse(body.readableBytesView, numbers: .byValue)
        } catch {
            throw OFREPRequestError(.parseError, "the request body is not valid JSON; send {\"context\": {…}}")
        }
        guard case .object(let request) = value else {
            throw OFREPRequestError(.parseError, "the request body must be a JSON object {\"context\": {…}}, not \(value.typeName)")
        }
        guard let context = request["context"] else {
            throw OFREPRequestError(.invalidContext, "the request body has no \"context\"; send {\"context\": {…}}")
        }
        guard case .object(let caller) = context else {
            throw OFREPRequestError(.invalidContext, "\"context\" must be a JSON object, not \(context.typeName)")
        }
        do {
            return try EvaluationContext(tenant: TenantAttributes(tenant), caller: caller)
        } catch {
            throw OFREPRequestError(.invalidContext, error.description)
        }
    }
}
