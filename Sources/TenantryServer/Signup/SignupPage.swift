import Provisioning

/// The signup page's HTML: the form (`GET /`, and again with an error after `POST /signup`),
/// the status page the form leads to without JavaScript (`GET /signup/{id}`), and its 404.
///
/// Plain HTML that works without a script: labels on every input, `type=email`, `required`,
/// `autocomplete`; a viewport for phones; the stylesheet and script are files of this server
/// (no CDN), so the page's Content-Security-Policy allows nothing else. Every value not written
/// in this file is escaped (`HTMLEscaping`).
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
    static func form(_ values: Values, error: FormError?, idempotencyKey: String) -> String {
        let errorBlock = error.map { error in
            """
            <div class="alert" id="form-error" role="alert" tabindex="-1">
              <p><strong>We could not create your workspace.</strong> \(h(error.message))</p>
            </div>
            """
        } ?? #"<div class="alert" id="form-error" role="alert" tabindex="-1" hidden></div>"#
        func invalid(_ field: String) -> String {
            error?.field == field ? #" aria-invalid="true" aria-describedby="form-error \#(field)-hint""# : #" aria-describedby="\#(field)-hint""#
        }
        return document(title: "Start your free trial", script: true, body: """
            <header class="intro">
              <p class="brand">Tenantry</p>
              <h1>Start your free trial</h1>
              <p class="lede">Feature flags for every customer of your product, evaluated from any OpenFeature SDK. Two fields, and your workspace is ready in seconds.</p>
            </header>
            \(errorBlock)
            <form id="signup-form" method="post" action="/signup">
              <div class="field">
                <label for="email">Work email</label>
                <input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254" spellcheck="false" value="\(h(values.email))"\(invalid("email"))>
                <p class="hint" id="email-hint">We send nothing but what your account needs.</p>
              </div>
              <div class="field">
                <label for="organization">Organisation name</label>
                <input id="organization" name="organization" type="text" autocomplete="organization" required maxlength="100" value="\(h(values.organization))"\(invalid("organization"))>
                <p class="hint" id="organization-hint">Your workspace's address is made from it, e.g. <span class="example">acme-corp</span>.</p>
              </div>
              <input type="hidden" name="idempotencyKey" value="\(h(idempotencyKey))">
              <button type="submit" id="signup-submit">Create my workspace</button>
            </form>
            \(progressRegion(hidden: true))
            """)
    }

    /// The status page of a signup (the no-JS path): progress, then the key (once) and the
    /// checklist. Until provisioning is over it refreshes itself every `refreshSeconds` and links
    /// to itself ("Check again"); `path` is its own path with the token.
    static func status(_ progress: SignupProgress, origin: String, path: String) -> String {
        // While it refreshes itself, a link does the same at once (and a reader who turned
        // automatic refresh off is not stuck).
        let checkAgain = progress.isFinished ? "" : """

            <p><a id="check-again" href="\(h(path))">Check again</a></p>
            """
        return document(title: heading(of: progress), script: false, refresh: !progress.isFinished, body: """
            <header class="intro">
              <p class="brand">Tenantry</p>
              <h1>\(h(progress.organization))</h1>
              <p class="lede">Workspace <span class="example">\(h(progress.slug))</span></p>
            </header>
            \(progressRegion(hidden: false, progress: progress, origin: origin))\(checkAgain)
            """)
    }

    /// The page for a signup that does not exist for this link.
    static func notFound() -> String {
        document(title: "Signup not found", script: false, body: """
            <header class="intro">
              <p class="brand">Tenantry</p>
              <h1>Signup not found</h1>
            </header>
            <p>This link does not belong to a signup this server knows. Signup links work for an hour, and not after the server restarted; your workspace exists all the same.</p>
            <p><a href="/">Start a new signup</a></p>
            """)
    }

    // MARK: Parts

    /// The live region the script fills, and the status page renders: status line, steps, then
    /// the result (key and checklist).
    private static func progressRegion(hidden: Bool, progress: SignupProgress? = nil, origin: String = "") -> String {
        let status = progress?.status ?? "provisioning"
        let steps = progress?.steps.map(stepItem).joined(separator: "\n") ?? ""
        let outcome = progress.map { result(of: $0, origin: origin) } ?? ""
        return """
            <section id="signup-progress" aria-labelledby="progress-heading"\(hidden ? " hidden" : "")>
              <h2 id="progress-heading" tabindex="-1">\(h(heading(of: progress)))</h2>
              <p id="signup-status" data-status="\(h(status))" role="status" aria-live="polite">\(h(statusText(progress)))</p>
              <ol id="signup-steps" class="steps">
            \(steps)
              </ol>
              <div id="signup-result">\(outcome)</div>
            </section>
            """
    }

    private static func stepItem(_ step: SignupProgress.Step) -> String {
        let marker = step.done ? "✓" : "…"
        let state = step.done ? "done" : "pending"
        return #"    <li class="step \#(state)"><span class="marker" aria-hidden="true">\#(marker)</span> \#(h(step.title)) <span class="visually-hidden">(\#(state))</span></li>"#
    }

    private static func statusText(_ progress: SignupProgress?) -> String {
        switch progress?.status {
        case nil, "provisioning": "Provisioning… this takes a few seconds."
        case "active": "Active: your workspace is ready."
        case "failed": "Failed: we could not set up your workspace."
        case let other?: "Your workspace is \(other)."
        }
    }

    /// The same words as the script's (`signup.js`, `headingText`).
    private static func heading(of progress: SignupProgress?) -> String {
        switch progress?.status {
        case "active": "Your workspace is ready"
        case "failed": "Your workspace could not be set up"
        default: "Setting up your workspace"
        }
    }

    /// The key (when this answer carries it) and the checklist, once provisioning is over.
    private static func result(of progress: SignupProgress, origin: String) -> String {
        guard progress.isFinished else { return "" }
        if progress.status == "failed" {
            return """
                <div class="alert" role="alert"><p>\(h(progress.failureReason ?? "Provisioning failed."))</p><p><a href="/">Try again</a></p></div>
                """
        }
        let key: String
        if let apiKey = progress.apiKey {
            key = """
                <section class="key" aria-labelledby="key-heading">
                  <h2 id="key-heading">Your API key</h2>
                  <p>Copy it now: it is shown <strong>only once</strong>, and we keep only a hash of it.</p>
                  <p class="key-value"><code id="api-key">\(h(apiKey))</code></p>
                </section>
                """
        } else if progress.apiKeyShown {
            key = #"<p class="note" id="api-key-note">Your API key was shown once already; we keep only its hash. Lost it? Create another one.</p>"#
        } else {
            key = #"<p class="note" id="api-key-note">Your API key cannot be shown here any more; an operator can issue you a new one.</p>"#
        }
        let shownKey = progress.apiKey ?? "<your API key>"
        return """
            \(key)
            \(checklist(progress.onboarding))
            <section class="example-call" aria-labelledby="try-heading">
              <h2 id="try-heading">Try it</h2>
              <p>Your workspace, its keys and this checklist:</p>
              <pre><code>curl -s \(h(origin))/v1/tenant \\
              -H "Authorization: Bearer \(h(shownKey))"</code></pre>
              <p>Evaluate your first flag (any OpenFeature SDK with an OFREP provider works too):</p>
              <pre><code>curl -s -X POST \(h(origin))/ofrep/v1/evaluate/flags \\
              -H "Authorization: Bearer \(h(shownKey))" \\
              -H "Content-Type: application/json" -d '{"context":{}}'</code></pre>
            </section>
            """
    }

    private static func checklist(_ checklist: OnboardingChecklist) -> String {
        let rows = checklist.items.map { item in
            let state = item.done ? "done" : "pending"
            let marker = item.done ? "✓" : "○"
            return #"    <li class="\#(state)" data-item="\#(h(item.id))"><span class="marker" aria-hidden="true">\#(marker)</span> \#(h(item.title)) <span class="visually-hidden">(\#(item.done ? "done" : "to do"))</span></li>"#
        }.joined(separator: "\n")
        return """
            <section class="checklist" aria-labelledby="onboarding-heading">
              <h2 id="onboarding-heading">Get started</h2>
              <ul id="onboarding">
            \(rows)
              </ul>
            </section>
            """
    }

    /// The page around `body`. `refresh` reloads it every `refreshSeconds` (the no-JS status
    /// page while provisioning: seldom enough that a keyboard or screen-reader user is not
    /// thrown back to the top every second); the page sends no referrer, so the token in a
    /// status URL stays here.
    private static func document(title: String, script: Bool, refresh: Bool = false, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">\(refresh ? "\n<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" : "")
        <title>\(h(title)) · Tenantry</title>
        <link rel="stylesheet" href="/assets/signup.css">\(script ? "\n<script src=\"/assets/signup.js\" defer></script>" : "")
        </head>
        <body>
        <main id="main">
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// How often the no-JS status page reloads itself while provisioning.
    static let refreshSeconds = 3

    private static func h(_ text: String) -> String { HTMLEscaping.escape(text) }
}
