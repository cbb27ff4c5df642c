import Provisioning

/// The signup page's HTML: the form (`GET /`, and again with an error after `POST /signup`),
/// the status page the form leads to without JavaScript (`GET /signup/{id}`), and its 404.
///
/// Plain HTML that works without a script: labels on every input, `type=email`, `required`,
/// `autocomplete`; a viewport for phones; the stylesheet and script are files of this server
/// (no CDN), so the page's Content-Security-Policy allows nothing else. The markup is in the
/// Mustache templates (`SignupTemplates`); this file only decides what they show, and the
/// library escapes every value it puts in (`ScalarHTMLEscaping`).
///
/// The elements the script and the browser test find have ids: `#signup-form`, `#email`,
/// `#organization`, `#signup-status` (its `data-status` is `provisioning`, `active` or
/// `failed`), `#signup-steps`, `#api-key`, `#onboarding`.
enum SignupPage {
    /// What the form shows in its fields (what the visitor typed, after an error).
    struct Values: Sendable {
        var email = ""
        var organization = ""
    }

    /// A refusal shown above the form; `field` (`email`, `organization`) marks that input invalid.
    struct FormError: Sendable {
        let message: String
        let field: String?
    }

    /// The signup form. `idempotencyKey` goes in a hidden field, so submitting the same form
    /// twice (a double click, a reload) registers one tenant.
    static func form(_ values: Values, error: FormError?, idempotencyKey: String) throws(SignupTemplates.Failure) -> String {
        let page = FormModel(
            head: Head(title: "Start your free trial", script: true),
            error: error, email: values.email, organization: values.organization,
            emailInvalid: error?.field == "email", organizationInvalid: error?.field == "organization",
            idempotencyKey: idempotencyKey, progress: ProgressModel(hidden: true, progress: nil, origin: "")
        )
        return try SignupTemplates.render(page, with: "form")
    }

    /// The status page of a signup (the no-JS path): progress, then the key (once) and the
    /// checklist. Until provisioning is over it refreshes itself every `refreshSeconds` and links
    /// to itself ("Check again": a reader who turned automatic refresh off is not stuck); `path`
    /// is its own path with the token.
    static func status(_ progress: SignupProgress, origin: String, path: String) throws(SignupTemplates.Failure) -> String {
        let page = StatusModel(
            head: Head(title: heading(of: progress), script: false, refresh: !progress.isFinished),
            organization: progress.organization, slug: progress.slug,
            progress: ProgressModel(hidden: false, progress: progress, origin: origin),
            checkAgainPath: progress.isFinished ? nil : path
        )
        return try SignupTemplates.render(page, with: "status")
    }

    /// The page for a signup that does not exist for this link.
    static func notFound() throws(SignupTemplates.Failure) -> String {
        try SignupTemplates.render(NotFoundModel(head: Head(title: "Signup not found", script: false)), with: "not-found")
    }

    /// How often the no-JS status page reloads itself while provisioning: seldom enough that a
    /// keyboard or screen-reader user is not thrown back to the top every second.
    static let refreshSeconds = 3

    /// The same words as the script's (`signup.js`, `headingText`).
    static func heading(of progress: SignupProgress?) -> String {
        switch progress?.status {
        case "active": "Your workspace is ready"
        case "failed": "Your workspace could not be set up"
        default: "Setting up your workspace"
        }
    }

    static func statusText(_ progress: SignupProgress?) -> String {
        switch progress?.status {
        case nil, "provisioning": "Provisioning… this takes a few seconds."
        case "active": "Active: your workspace is ready."
        case "failed": "Failed: we could not set up your workspace."
        case let other?: "Your workspace is \(other)."
        }
    }
}

// MARK: What the templates read (by property name: keep them in step with Templates/)

extension SignupPage {
    /// `document.mustache`: the page around the body. `refresh` reloads it every
    /// `refreshSeconds`; the page sends no referrer, so the token in a status URL stays here.
    struct Head {
        let title: String
        let script: Bool
        var refresh = false
        let refreshSeconds = SignupPage.refreshSeconds
    }

    /// `form.mustache`.
    struct FormModel {
        let head: Head
        let error: FormError?
        let email: String
        let organization: String
        let emailInvalid: Bool
        let organizationInvalid: Bool
        let idempotencyKey: String
        let progress: ProgressModel
    }

    /// `status.mustache`.
    struct StatusModel {
        let head: Head
        let organization: String
        let slug: String
        let progress: ProgressModel
        let checkAgainPath: String?
    }

    /// `not-found.mustache`.
    struct NotFoundModel {
        let head: Head
    }

    /// `progress.mustache`: the live region the script fills, and the status page renders:
    /// status line, steps, then the result (key and checklist) once provisioning is over.
    struct ProgressModel {
        let hidden: Bool
        let heading: String
        let status: String
        let statusText: String
        let steps: [StepModel]
        let failure: FailureModel?
        let ready: ReadyModel?

        init(hidden: Bool, progress: SignupProgress?, origin: String) {
            self.hidden = hidden
            heading = SignupPage.heading(of: progress)
            status = progress?.status ?? "provisioning"
            statusText = SignupPage.statusText(progress)
            steps = progress?.steps.map { StepModel(title: $0.title, done: $0.done) } ?? []
            let finished = progress.flatMap { $0.isFinished ? $0 : nil }
            failure = finished.flatMap { $0.status == "failed" ? FailureModel(reason: $0.failureReason ?? "Provisioning failed.") : nil }
            ready = finished.flatMap { $0.status == "failed" ? nil : ReadyModel($0, origin: origin) }
        }
    }

    struct StepModel {
        let title: String
        let state: String
        let marker: String

        init(title: String, done: Bool) {
            self.title = title
            state = done ? "done" : "pending"
            marker = done ? "✓" : "…"
        }
    }

    struct FailureModel {
        let reason: String
    }

    /// The key (when this answer carries it, or a note why not), the checklist and example calls.
    struct ReadyModel {
        let apiKey: String?
        let keyNote: String?
        let checklist: [ChecklistItemModel]
        let origin: String
        /// The key in the example calls: the key itself while it is shown, a placeholder after.
        let shownKey: String

        init(_ progress: SignupProgress, origin: String) {
            apiKey = progress.apiKey
            keyNote = switch (progress.apiKey, progress.apiKeyShown) {
            case (.some, _): nil
            case (nil, true): "Your API key was shown once already; we keep only its hash. Lost it? Create another one."
            case (nil, false): "Your API key cannot be shown here any more; an operator can issue you a new one."
            }
            checklist = progress.onboarding.items.map(ChecklistItemModel.init)
            self.origin = origin
            shownKey = progress.apiKey ?? "<your API key>"
        }
    }

    struct ChecklistItemModel {
        let id: String
        let title: String
        let state: String
        let stateText: String
        let marker: String

        init(_ item: OnboardingChecklist.Item) {
            id = item.id
            title = item.title
            state = item.done ? "done" : "pending"
            stateText = item.done ? "done" : "to do"
            marker = item.done ? "✓" : "○"
        }
    }
}
