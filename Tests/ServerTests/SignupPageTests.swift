import Foundation
import HTTPTestSupport
import NIOHTTP1
import Provisioning
import TestSupport
import Testing

@Suite("The signup page: the form, its no-JS path, the assets, and a real browser")
struct SignupPageTests {
    static func formBody(_ fields: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        return Array(encoded.joined(separator: "&").utf8)
    }

    static func postForm(_ server: TestServer, _ fields: [(String, String)]) async throws -> HTTPTestClient.Response {
        try await server.client.send(
            .POST, "/signup", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: formBody(fields)
        )
    }

    @Test("GET / is an accessible HTML form that works without JavaScript, at phone width, loading nothing from elsewhere")
    func formPage() async throws {
        try await withTestServer { server in
            let page = try await server.client.send(.GET, "/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.header("Cache-Control") == "no-store")
            let policy = try #require(page.header("Content-Security-Policy"))
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("script-src 'self'"))
            let html = page.text
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains(#"<html lang="en">"#))
            #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(html.contains(#"<form id="signup-form" method="post" action="/signup">"#))
            #expect(html.contains(#"<label for="email">"#))
            #expect(html.contains(#"<label for="organization">"#))
            #expect(html.contains(#"<input id="email" name="email" type="email" autocomplete="email""#))
            #expect(html.contains(#"id="organization" name="organization" type="text" autocomplete="organization" required"#))
            #expect(html.contains(#"<input type="hidden" name="idempotencyKey" value=""#))
            #expect(html.contains(#"<button type="submit" id="signup-submit">"#))
            #expect(html.contains(#"aria-live="polite""#))
            // Only this server's files: no CDN, no inline script.
            #expect(html.contains(#"<link rel="stylesheet" href="/assets/signup.css">"#))
            #expect(html.contains(#"<script src="/assets/signup.js" defer></script>"#))
            #expect(!html.contains("http://") && !html.contains("https://"))
            #expect(!html.contains("<script>"))
            // Each load has its own key: two visitors never share a signup.
            let other = try await server.client.send(.GET, "/").text
            #expect(signupText(html, between: #"name="idempotencyKey" value=""#, and: #"""#)
                != signupText(other, between: #"name="idempotencyKey" value=""#, and: #"""#))
            let head = try await server.client.send(.HEAD, "/")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test("the stylesheet and script: their content types, an ETag, an hour's cache, 304 on a match")
    func assets() async throws {
        try await withTestServer { server in
            for (path, type, marker) in [
                ("/assets/signup.css", "text/css; charset=utf-8", "@media"),
                ("/assets/signup.js", "text/javascript; charset=utf-8", "/v1/signup"),
            ] {
                let response = try await server.client.send(.GET, path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Type") == type)
                #expect(response.header("Cache-Control") == "public, max-age=3600")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                #expect(response.text.contains(marker))
                let tag = try #require(response.header("ETag"))
                let revalidated = try await server.client.send(.GET, path, headers: [("If-None-Match", tag)])
                #expect(revalidated.status == 304)
                #expect(revalidated.body.isEmpty)
                #expect(revalidated.header("ETag") == tag)
                let post = try await server.client.send(.POST, path, body: [])
                #expect(post.status == 405)
            }
            #expect(try await server.client.send(.GET, "/assets/other.js").status == 404)
        }
    }

    @Test("without JavaScript: the form posts, 303 to the status page, which refreshes until active, then shows the key once and the checklist")
    func formWithoutJavaScript() async throws {
        try await withTestServer { server in
            let organization = "Wayne & <Sons> \(UUID().uuidString.prefix(6))"
            let fields = [("email", "bruce@wayne.example"), ("organization", organization), ("idempotencyKey", UUID().uuidString)]
            let posted = try await Self.postForm(server, fields)
            #expect(posted.status == 303, "\(posted.text)")
            let location = try #require(posted.header("Location"))
            #expect(location.hasPrefix("/signup/"))
            #expect(location.contains("?token="))
            // Sending the same form again (a double click) is the same signup, but the claim
            // went with the first answer: the page says so, with a fresh key for a new signup.
            let again = try await Self.postForm(server, fields)
            #expect(again.status == 409)
            #expect(again.header("Location") == nil)
            #expect(again.text.contains("already sent"))
            #expect(!again.text.contains(location))
            #expect(try await server.registeredTenants(named: organization).count == 1)

            var active: String?
            try await waitUntil("the status page says active") {
                let page = try await server.client.send(.GET, location)
                #expect(page.status == 200)
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.header("Referrer-Policy") == "no-referrer")
                let html = page.text
                #expect(html.contains(#"<ol id="signup-steps" class="steps">"#))
                #expect(html.contains("Allocate storage"))
                // The name is escaped, never markup.
                #expect(html.contains("Wayne &amp; &lt;Sons&gt;"))
                #expect(!html.contains("<Sons>"))
                guard html.contains(#"data-status="active""#) else {
                    // Every 3 s, not every second (a reload moves focus back to the top), and a
                    // link that checks at once.
                    #expect(html.contains(#"<meta http-equiv="refresh" content="3">"#))
                    #expect(html.contains(#"<a id="check-again" href="\#(location)">Check again</a>"#))
                    return false
                }
                active = html
                return true
            }
            let html = try #require(active)
            // Done refreshing; the key, the checklist and an example call.
            #expect(!html.contains("http-equiv=\"refresh\""))
            #expect(!html.contains("check-again"))
            let key = try #require(signupText(html, between: #"<code id="api-key">"#, and: "</code>"))
            #expect(key.hasPrefix("tnt_"))
            #expect(html.contains(#"<ul id="onboarding">"#))
            #expect(html.contains(#"data-item="first-flag-evaluated""#))
            #expect(html.contains("/ofrep/v1/evaluate/flags"))
            #expect(!html.contains(#"class="step pending""#))

            // Shown once: the next load says so and does not carry it.
            let later = try await server.client.send(.GET, location).text
            #expect(later.contains(#"data-status="active""#))
            #expect(!later.contains(key))
            #expect(later.contains(#"id="api-key-note""#))

            // The key is the tenant's and works.
            let tenant = try await server.client.send(.GET, "/v1/tenant", headers: [("Authorization", "Bearer \(key)")])
            #expect(tenant.status == 200, "\(tenant.text)")
            #expect(tenant.jsonObject?["name"] as? String == organization)
        }
    }

    @Test("a refused form comes back with the message, the values kept (escaped) and the field marked invalid")
    func formErrors() async throws {
        try await withTestServer { server in
            let response = try await Self.postForm(server, [
                ("email", #"not-an-email"><script>alert(1)</script>"#), ("organization", "O'Brien & <Co>"), ("idempotencyKey", UUID().uuidString),
            ])
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            let html = response.text
            #expect(html.contains(#"role="alert""#))
            #expect(html.contains("invalid email"))
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains(#"value="not-an-email&quot;&gt;&lt;script&gt;"#))
            #expect(html.contains(#"value="O&#39;Brien &amp; &lt;Co&gt;""#))
            #expect(html.contains(#"type="email" autocomplete="email" inputmode="email" required maxlength="254" spellcheck="false" value="not-an-email"#))
            #expect(html.contains(#"aria-invalid="true" aria-describedby="form-error email-hint""#))
            #expect(!html.contains(#"aria-invalid="true" aria-describedby="form-error organization-hint""#))

            let missing = try await Self.postForm(server, [("email", "a@b.example")])
            #expect(missing.status == 400)
            #expect(missing.text.contains("organization"))
            #expect(missing.text.contains(#"aria-invalid="true" aria-describedby="form-error organization-hint""#))
            #expect(missing.text.contains(#"value="a@b.example""#))
            #expect(try await server.runtime.tenants.list(state: nil, plan: nil).count == server.tenants.count)
        }
    }

    @Test("a quote or angle bracket followed by a combining mark is escaped too: no attribute can be injected through a grapheme cluster")
    func combiningMarksAreEscaped() async throws {
        try await withTestServer { server in
            let email = "x\"\u{301} autofocus onfocus=alert(1) x=\"\u{301}"
            let organization = "<\u{301}img src=x onerror=alert(1)>\u{301}"
            let response = try await Self.postForm(server, [("email", email), ("organization", organization), ("idempotencyKey", UUID().uuidString)])
            #expect(response.status == 400)
            let html = response.text
            #expect(!String(html.unicodeScalars.filter { $0 != "\u{301}" }).contains(#"x" autofocus"#))
            #expect(html.contains("x&quot;\u{301} autofocus onfocus=alert(1) x=&quot;\u{301}"))
            #expect(html.contains("&lt;\u{301}img src=x onerror=alert(1)&gt;\u{301}"))
        }
    }

    @Test("the form with a used key and other values comes back (422) with a fresh key that then goes through")
    func formKeyReused() async throws {
        try await withTestServer { server in
            let key = UUID().uuidString
            let first = try await Self.postForm(server, [("email", "a@b.example"), ("organization", "First \(UUID().uuidString.prefix(6))"), ("idempotencyKey", key)])
            #expect(first.status == 303)
            let second = try await Self.postForm(server, [("email", "a@b.example"), ("organization", "Second"), ("idempotencyKey", key)])
            #expect(second.status == 422)
            let fresh = try #require(signupText(second.text, between: #"name="idempotencyKey" value=""#, and: #"""#))
            #expect(fresh != key)
            let retried = try await Self.postForm(server, [("email", "a@b.example"), ("organization", "Second"), ("idempotencyKey", fresh)])
            #expect(retried.status == 303)
        }
    }

    @Test("a status page link with a wrong token or id: an HTML 404 that reveals nothing")
    func statusPageNotFound() async throws {
        try await withTestServer { server in
            let posted = try await Self.postForm(server, [("email", "a@b.example"), ("organization", "Lost \(UUID().uuidString.prefix(6))")])
            let location = try #require(posted.header("Location"))
            let path = String(location.prefix { $0 != "?" })
            for link in [path, path + "?token=wrong", "/signup/\(UUID().uuidString)?token=" + (location.split(separator: "=").last.map(String.init) ?? ""), "/signup/x?token=y"] {
                let page = try await server.client.send(.GET, link)
                #expect(page.status == 404, "\(link)")
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.text.contains("Signup not found"))
            }
        }
    }

    @Test("the form route's other methods: 405; another content type, a body too large, or no signup possible now: the form page with the message and the status")
    func formRouteErrors() async throws {
        try await withTestServer { server in
            let get = try await server.client.send(.GET, "/signup")
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")
            let post = try await server.client.send(.POST, "/", body: [])
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
            let json = try await server.client.post("/signup", json: #"{"email":"a@b.example","organization":"Acme"}"#, apiKey: nil)
            #expect(json.status == 415)
            #expect(json.header("Accept-Post") == "application/x-www-form-urlencoded")
            Self.expectFormPage(json, saying: "application/x-www-form-urlencoded")
            // A program that asks for JSON (and not HTML) gets the problem document instead.
            let program = try await server.client.post(
                "/signup", json: #"{"email":"a@b.example","organization":"Acme"}"#, apiKey: nil, headers: [("Accept", "application/problem+json")]
            )
            #expect(program.status == 415)
            #expect(program.header("Content-Type") == "application/problem+json")
            #expect(program.header("Accept-Post") == "application/x-www-form-urlencoded")
            #expect(program.problemType == "unsupported-media-type")
            let browser = try await server.client.post(
                "/signup", json: "{}", apiKey: nil, headers: [("Accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")]
            )
            #expect(browser.header("Content-Type") == "text/html; charset=utf-8")
            let padding = String(repeating: "x", count: 70 * 1024)
            let large = try await Self.postForm(server, [("email", "a@b.example"), ("organization", padding)])
            #expect(large.status == 413)
            Self.expectFormPage(large, saying: "larger than")

            // No new signup starts once the coordinator drains (as at shutdown): 503, the form
            // with the message and Retry-After, the values kept.
            await server.server.signups.drain()
            let unavailable = try await Self.postForm(server, [("email", "late@b.example"), ("organization", "Latecomer")])
            #expect(unavailable.status == 503)
            #expect(unavailable.header("Retry-After") == "5")
            Self.expectFormPage(unavailable, saying: "shutting down")
            #expect(unavailable.text.contains("late@b.example"))
        }
    }

    /// `response` is the signup form (HTML, never a JSON problem) showing a message with `text`.
    static func expectFormPage(_ response: HTTPTestClient.Response, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.header("Content-Type") == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(response.text.contains("<form"), sourceLocation: sourceLocation)
        #expect(response.text.contains(text), "\(response.text)", sourceLocation: sourceLocation)
    }

    @Test("in headless Chromium at phone width: fill the form, submit, wait for active, read the key, use it")
    func browserSignup() async throws {
        try await withTestServer(transport: .socket) { server in
            let output = try signupTestOutputDirectory()
            print("signup browser screenshots: \(output.path)")
            let organization = "Stark Industries \(UUID().uuidString.prefix(6))"
            let outcome = try await PythonTool.run("signup_browser.py", [
                "--base-url", server.address.url, "--email", "tony@stark.example", "--organization", organization,
                "--screenshots", output.path,
            ], timeout: .seconds(180))
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let result = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
                "\(outcome.standardOutput)\(outcome.standardError)"
            )
            #expect(result["status"] as? String == "active")
            // The script did the work: the page never left "/".
            #expect(result["path"] as? String == "/")
            #expect(result["fitsWidth"] as? Bool == true)
            #expect(result["focus"] as? String == "key-heading")
            for path in try #require(result["screenshots"] as? [String]) {
                #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            }
            let key = try #require(result["apiKey"] as? String)
            #expect(key.hasPrefix("tnt_"))

            // The key from the page is the new tenant's, and the tenant API takes it.
            let response = try await server.client.send(.GET, "/v1/tenant", headers: [("Authorization", "Bearer \(key)")])
            #expect(response.status == 200, "\(response.text)")
            let tenant = try #require(response.jsonObject, "\(response.text)")
            #expect(tenant["name"] as? String == organization)
            #expect((tenant["slug"] as? String)?.hasPrefix(Slug.derive(from: organization) + "-") == true)
            #expect(tenant["email"] as? String == "tony@stark.example")
            #expect(tenant["state"] as? String == "active")
            // The page's checklist was the tenant's: account and first key done, the flag not yet.
            let checklist = try #require(result["checklist"] as? [[String: Any]])
            let done = Dictionary(uniqueKeysWithValues: checklist.compactMap { item in (item["item"] as? String).map { ($0, item["done"] as? Bool) } })
            #expect(done["account-created"] == true)
            #expect(done["first-api-key"] == true)
            #expect(done["first-flag-evaluated"] == false)
        }
    }
}
