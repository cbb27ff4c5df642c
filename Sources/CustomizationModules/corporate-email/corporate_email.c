/* corporate-email-wasm: signups must use the client's corporate email domain. The same rule and
   the same refusal as the compiled-in corporate-email customization
   (Sources/Customizations/CorporateEmailDomain), as a WebAssembly module. */
#include "tenantry.h"

/* Whether the part after the last "@", lowercased (ASCII), is the domain or, when subdomains are
   allowed, ends with "." and the domain. No "@", or nothing before it, is not admitted. */
static int admits(text email, text domain, int allow_subdomains) {
    u32 at = email.length;
    for (u32 i = 0; i < email.length; i++)
        if (email.at[i] == '@') at = i;
    if (at == email.length || at == 0) return 0;
    text host = {email.at + at + 1, email.length - at - 1};
    u32 start; /* where the domain must begin in host */
    if (host.length == domain.length) start = 0;
    else if (allow_subdomains && host.length > domain.length && host.at[host.length - domain.length - 1] == '.')
        start = host.length - domain.length;
    else return 0;
    for (u32 i = 0; i < domain.length; i++)
        if (ascii_lower(host.at[start + i]) != domain.at[i]) return 0;
    return 1;
}

/* Input {"command":"signup","email":"…","organization":"…","plan":"…"}: 0 (accept) when the
   email is admitted, otherwise {"refuse":"signups must use an address at <domain>[ or one of its
   subdomains]; ask <contact>"}. */
TENANTRY_EXPORT("tenantry_validate") u64 tenantry_validate(const char *input, int length) {
    text names[2] = {TEXT("command"), TEXT("email")}, values[2];
    json_members(input_text(input, length), 2, names, values);
    if (!json_string_equals(json_required(values[0], names[0]), TEXT("signup"))) return 0;
    text email = json_string(json_required(values[1], names[1]));
    text domain = setting(TEXT("domain")); /* lowercased by the host (kind domain) */
    text contact = setting(TEXT("contact"));
    int allow_subdomains = text_equal(setting(TEXT("allow-subdomains")), TEXT("true"));
    if (admits(email, domain, allow_subdomains)) return 0;

    writer out = writer_with_room(96, domain.length + contact.length);
    put(&out, TEXT("{\"refuse\":\"signups must use an address at "));
    put_escaped(&out, domain);
    if (allow_subdomains) put(&out, TEXT(" or one of its subdomains"));
    put(&out, TEXT("; ask "));
    put_escaped(&out, contact);
    put(&out, TEXT("\"}"));
    return answer(out);
}
