public import Provisioning

/// The seam where a payment provider plugs in: a tenant may move itself to a paid plan
/// (`Plan.isPaid`) through the tenant API only when a hook authorises it. Without a configured
/// hook, such a move is 402 `payment-required` (moving to a free plan needs none), so no
/// deployment gives paid plans away by forgetting to wire billing.
///
/// An implementation typically checks that the tenant has a payment method on file with the
/// provider and creates (or updates) its subscription, idempotently for the tenant and plan:
/// the plan change is recorded after the hook returns, and a retry after a lost answer calls
/// it again.
///
/// ```swift
/// struct StripeBilling: PaymentHook {
///     func authorizePlanChange(of tenant: TenantState, to plan: Plan) async throws {
///         guard try await customer(of: tenant).hasPaymentMethod else {
///             throw PaymentRequired("add a card first", paymentURL: "https://billing.example/\(tenant.slug)")
///         }
///         try await subscribe(tenant, to: plan)
///     }
/// }
/// ```
public protocol PaymentHook: Sendable {
    /// Returns when `tenant` may move to the paid `plan`; throws `PaymentRequired` to refuse
    /// with 402, or any other error when the provider cannot answer (503, try again).
    func authorizePlanChange(of tenant: TenantState, to plan: Plan) async throws
}

/// A payment hook's refusal: the tenant must pay (or add a way to) first.
public struct PaymentRequired: Error, Sendable, Hashable {
    /// What the tenant must do, for the problem's `detail`.
    public let detail: String
    /// Where the tenant can do it, when the provider has such a page.
    public let paymentURL: String?

    public init(_ detail: String, paymentURL: String? = nil) {
        self.detail = detail
        self.paymentURL = paymentURL
    }
}
