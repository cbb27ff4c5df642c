/* data-residency: a tenant's region attribute may only name one of the client's regions and may
   not be removed; the tenant's storage-region flag defaults to the client's home region. */
#include "tenantry.h"

/* Input {"actor":"…","command":"attributes-change","removed":["…"],"set":{"name":"value"},
   "tenantID":"…"}: 0 (accept), or {"refuse":"…"} when set gives the attribute a value that is not
   one of the regions, or removed names it. */
TENANTRY_EXPORT("tenantry_validate") u64 tenantry_validate(const char *input, int length) {
    text names[3] = {TEXT("command"), TEXT("removed"), TEXT("set")}, values[3];
    json_members(input_text(input, length), 3, names, values);
    if (!json_string_equals(json_required(values[0], names[0]), TEXT("attributes-change"))) return 0;
    text attribute = setting(TEXT("attribute")), regions = setting(TEXT("regions"));

    text value;
    if (json_member(json_required(values[2], names[2]), attribute, &value)) {
        text region = json_string(value);
        if (!list_contains(regions, region)) {
            text shown = text_prefix(region, 64); /* the refusal quotes at most 64 bytes of it */
            writer out = writer_with_room(96, attribute.length + regions.length + shown.length);
            put(&out, TEXT("{\"refuse\":\""));
            put_escaped(&out, attribute);
            put(&out, TEXT(" must be one of "));
            put_escaped(&out, regions);
            put(&out, TEXT(" (data residency), not '"));
            put_escaped(&out, shown);
            if (shown.length < region.length) put(&out, TEXT("…"));
            put(&out, TEXT("'\"}"));
            return answer(out);
        }
    }

    text removed = json_required(values[1], names[1]), name;
    for (u32 cursor = 0; json_array_next(removed, &cursor, &name);) {
        if (json_string_equals(name, attribute)) {
            writer out = writer_with_room(96, attribute.length);
            put(&out, TEXT("{\"refuse\":\""));
            put_escaped(&out, attribute);
            put(&out, TEXT(" cannot be removed: it says where the tenant's data lives (data residency)\"}"));
            return answer(out);
        }
    }
    return 0;
}

/* {"defaults":[{"flag":"storage-region","variant":"<home-region>"}]}. */
TENANTRY_EXPORT("tenantry_flag_defaults") u64 tenantry_flag_defaults(void) {
    text home = setting(TEXT("home-region"));
    writer out = writer_with_room(64, home.length);
    put(&out, TEXT("{\"defaults\":[{\"flag\":\"storage-region\",\"variant\":\""));
    put_escaped(&out, home);
    put(&out, TEXT("\"}]}"));
    return answer(out);
}
