/* Tenantry customization ABI v1 for freestanding C (clang --target=wasm32, no libc): the host
   functions, tenantry_alloc, and small helpers the examples share (settings, reading the input
   JSON, writing the answer). Docs/customizations.md, "WebAssembly customizations", is the
   reference; this file follows it.

   A module keeps no state between calls: after every call the host restores its memory and its
   exported mutable globals to what they were right after instantiation. So everything here is
   allocated from one arena and never freed. Anything unexpected (input that is not the JSON the
   host sends, a missing setting, no room left) is logged and traps: the host then reports the
   call as a failure of the module.

   Fuel: the host charges a loop's whole body on every round, rare paths included. So the loops
   that run once per input byte are kept small, and what is rare (escapes, failures) is in
   functions that are not inlined into them. */
#ifndef TENANTRY_H
#define TENANTRY_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef __UINTPTR_TYPE__ uptr;

#define TENANTRY_IMPORT(name) __attribute__((import_module("tenantry"), import_name(name)))
#define TENANTRY_EXPORT(name) __attribute__((export_name(name)))
#define NOT_INLINED __attribute__((noinline)) static inline /* inline: no warning when unused */

/* ---- Host functions, module "tenantry". A module imports only those it calls. ---- */

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARNING = 2, LOG_ERROR = 3 };
/* One line, at most 2 KiB; at most 50 lines per call (the rest are dropped and counted). */
TENANTRY_IMPORT("log") void tenantry_log(int level, const char *text, int length);
/* Stages this customization's own setting, normalized, and returns its length; -1: no such setting. */
TENANTRY_IMPORT("setting") int tenantry_setting(const char *name, int name_length);
/* Copies the staged bytes to buffer (at most capacity) and returns how many it copied. */
TENANTRY_IMPORT("read_result") int tenantry_read_result(char *buffer, int capacity);
/* Only for a module whose manifest declares the setting allowed-domains. The request is
   {"method","url","headers":{…},"body"}; stages {"status","headers":{…},"body"} and returns its
   length, or -1 bad request, -2 timed out, -3 could not connect, -4 response too large. */
TENANTRY_IMPORT("http") int tenantry_http(const char *request, int request_length);

/* ---- Text ---- */

/* Bytes with a length, not NUL-terminated (a JSON string may hold \u0000). */
typedef struct {
    const char *at;
    u32 length;
} text;
#define TEXT(literal) ((text){(literal), sizeof(literal) - 1})

static inline int text_equal(text a, text b) {
    if (a.length != b.length) return 0;
    for (u32 i = 0; i < a.length; i++)
        if (a.at[i] != b.at[i]) return 0;
    return 1;
}

/* At most limit bytes of t, without cutting a UTF-8 sequence in two. */
static inline text text_prefix(text t, u32 limit) {
    if (t.length <= limit) return t;
    while (limit > 0 && ((u8)t.at[limit] & 0xC0) == 0x80) limit--;
    return (text){t.at, limit};
}

static inline char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Logs why, followed by subject (if any), at error level and traps: the call fails. */
__attribute__((noreturn)) NOT_INLINED void fail_about(const char *why, text subject) {
    char line[256];
    u32 length = 0;
    for (; why[length] && length < 128; length++) line[length] = why[length];
    for (u32 i = 0; i < subject.length && length < sizeof line; i++) line[length++] = subject.at[i];
    tenantry_log(LOG_ERROR, line, (int)length);
    __builtin_trap();
}
__attribute__((noreturn)) NOT_INLINED void fail(const char *why) {
    fail_about(why, (text){0, 0});
}

/* ---- Memory ---- */

/* The arena: from __heap_base (after the stack and the static data) to the end of the memory,
   which never grows. The host allocates the call's input here too. */
extern u8 __heap_base;
static u32 arena_top; /* 0: nothing allocated yet in this call */

TENANTRY_EXPORT("tenantry_alloc") void *tenantry_alloc(int size) {
    u32 start = arena_top ? arena_top : (u32)(uptr)&__heap_base;
    u32 end = (u32)__builtin_wasm_memory_size(0) * 65536u;
    start = (start + 7u) & ~7u;
    if (size < 0 || start > end || (u32)size > end - start) return 0;
    arena_top = start + (u32)size;
    return (void *)(uptr)start;
}

static inline char *allocate(u32 size) {
    char *memory = size <= 0x7fffffffu ? tenantry_alloc((int)size) : 0;
    if (!memory) fail("out of memory");
    return memory;
}

/* ---- Writing the answer: JSON in the arena, returned as (ptr << 32) | len ---- */

typedef struct {
    char *at;
    u32 length, capacity;
} writer;

/* Room for fixed bytes plus texts that are escaped (at most 6 bytes each, as \u00XX). */
static inline writer writer_with_room(u32 fixed, u32 escaped) {
    u32 capacity = fixed + 6 * escaped;
    return (writer){allocate(capacity), 0, capacity};
}

static inline void put(writer *out, text raw) {
    if (raw.length > out->capacity - out->length) fail("answer larger than its buffer");
    for (u32 i = 0; i < raw.length; i++) out->at[out->length++] = raw.at[i];
}

/* One byte that JSON escapes: a quote, a backslash or a control character. */
NOT_INLINED void put_escape(writer *out, u8 c) {
    char escape[6] = {'\\', (char)c, '0', '0', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]};
    if (c == '"' || c == '\\') put(out, (text){escape, 2});
    else if (c == '\n') put(out, TEXT("\\n"));
    else if (c == '\r') put(out, TEXT("\\r"));
    else if (c == '\t') put(out, TEXT("\\t"));
    else { escape[1] = 'u'; put(out, (text){escape, 6}); }
}

/* The bytes as the content of a JSON string: quote, backslash and control characters escaped. */
static inline void put_escaped(writer *out, text content) {
    for (u32 i = 0; i < content.length; i++) {
        u8 c = (u8)content.at[i];
        if (c < 0x20 || c == '"' || c == '\\') put_escape(out, c);
        else if (out->length < out->capacity) out->at[out->length++] = (char)c;
        else fail("answer larger than its buffer");
    }
}

static inline u64 answer(writer out) {
    return ((u64)(uptr)out.at << 32) | (u64)out.length;
}

/* ---- Settings and input ---- */

/* A setting of this customization, as the host normalized it. Every setting the manifest
   declares has a value (required ones are checked at deploy, defaults filled in), so a missing
   one is a failure. */
static inline text setting(text name) {
    int length = tenantry_setting(name.at, (int)name.length);
    if (length < 0) fail_about("no value for the setting ", name);
    char *value = allocate((u32)length);
    if (tenantry_read_result(value, length) != length) fail("read_result copied less than it staged");
    return (text){value, (u32)length};
}

/* The call's input, as the host wrote it. */
static inline text input_text(const char *input, int length) {
    if (!input || length < 0) fail("no input");
    return (text){input, (u32)length};
}

/* ---- Reading JSON. A value is the slice of the input that holds it, still encoded. ---- */

/* Past any whitespace at i. (The host writes none; JSON allows it.) */
NOT_INLINED u32 json_skip_whitespace(text json, u32 i) {
    while (i < json.length && (json.at[i] == ' ' || json.at[i] == '\t' || json.at[i] == '\n' || json.at[i] == '\r')) i++;
    return i;
}
static inline u32 json_skip_space(text json, u32 i) {
    return (i < json.length && (u8)json.at[i] <= ' ') ? json_skip_whitespace(json, i) : i;
}

/* Whether any of the eight bytes of word is byte (the classic test: a byte of word ^ byte is 0). */
static inline u64 any_byte_is(u64 word, u8 byte) {
    u64 x = word ^ (0x0101010101010101ull * byte);
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Where the string whose opening quote is at i ends: just after its closing quote. Looks at
   eight bytes at a time until one is a quote or a backslash: most strings have neither. */
NOT_INLINED u32 json_string_end(text json, u32 i) {
    for (i++; i < json.length; i++) {
        while (json.length - i >= 8) {
            u64 word;
            __builtin_memcpy(&word, json.at + i, 8);
            if (any_byte_is(word, '"') | any_byte_is(word, '\\')) break;
            i += 8;
        }
        if (i >= json.length) break;
        if (json.at[i] == '"') return i + 1;
        if (json.at[i] == '\\') i++;
    }
    fail("input: unterminated string");
}

/* Where the number, true, false or null that starts at i ends. */
NOT_INLINED u32 json_scalar_end(text json, u32 i) {
    u32 start = i;
    while (i < json.length && ((json.at[i] >= '0' && json.at[i] <= '9') || (json.at[i] >= 'a' && json.at[i] <= 'z') ||
                               json.at[i] == '-' || json.at[i] == '+' || json.at[i] == '.' || json.at[i] == 'E'))
        i++;
    if (i == start) fail("input: value expected");
    return i;
}

/* Where the object or array that starts at i ends. Skipped by counting brackets (strings inside
   skipped whole), so nothing recurses however deep the input nests. */
NOT_INLINED u32 json_container_end(text json, u32 i) {
    for (u32 depth = 0; i < json.length; i++) {
        char c = json.at[i];
        if (c == '"') i = json_string_end(json, i) - 1;
        else if (c == '{' || c == '[') depth++;
        else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    }
    fail("input: unterminated object or array");
}

/* Where the value that starts at i ends. */
static inline u32 json_value_end(text json, u32 i) {
    if (i >= json.length) fail("input: value expected");
    if (json.at[i] == '"') return json_string_end(json, i);
    if (json.at[i] == '{' || json.at[i] == '[') return json_container_end(json, i);
    return json_scalar_end(json, i);
}

static inline int json_is_string(text value) {
    return value.length >= 2 && value.at[0] == '"' && value.at[value.length - 1] == '"';
}

static inline u32 json_hex4(text string, u32 i) {
    if (i + 4 > string.length) fail("input: short \\u escape");
    u32 value = 0;
    for (u32 k = 0; k < 4; k++) {
        char c = string.at[i + k];
        u32 digit = (c >= '0' && c <= '9') ? (u32)(c - '0')
                  : (c >= 'a' && c <= 'f') ? (u32)(c - 'a' + 10)
                  : (c >= 'A' && c <= 'F') ? (u32)(c - 'A' + 10) : 16u;
        if (digit == 16) fail("input: bad \\u escape");
        value = value * 16 + digit;
    }
    return value;
}

/* Decodes the escape at string.at[i] (a backslash) to UTF-8 at out: \" \\ \/ \b \f \n \r \t and
   \uXXXX, a surrogate pair as one character. Returns where the next character starts; *count
   is the number of bytes written (1 to 4). */
NOT_INLINED u32 json_escape(text string, u32 i, char *out, u32 *count) {
    if (i + 1 >= string.length) fail("input: bad escape");
    *count = 1;
    switch (string.at[i + 1]) {
    case '"': out[0] = '"'; return i + 2;
    case '\\': out[0] = '\\'; return i + 2;
    case '/': out[0] = '/'; return i + 2;
    case 'b': out[0] = '\b'; return i + 2;
    case 'f': out[0] = '\f'; return i + 2;
    case 'n': out[0] = '\n'; return i + 2;
    case 'r': out[0] = '\r'; return i + 2;
    case 't': out[0] = '\t'; return i + 2;
    case 'u': break;
    default: fail("input: bad escape");
    }
    u32 code = json_hex4(string, i + 2);
    i += 6;
    if (code >= 0xDC00 && code <= 0xDFFF) fail("input: lone low surrogate");
    if (code >= 0xD800 && code <= 0xDBFF) {
        if (i + 6 > string.length || string.at[i] != '\\' || string.at[i + 1] != 'u') fail("input: lone high surrogate");
        u32 low = json_hex4(string, i + 2);
        if (low < 0xDC00 || low > 0xDFFF) fail("input: lone high surrogate");
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        i += 6;
    }
    if (code < 0x80) {
        out[0] = (char)code;
        *count = 1;
    } else if (code < 0x800) {
        out[0] = (char)(0xC0 | code >> 6);
        out[1] = (char)(0x80 | (code & 0x3F));
        *count = 2;
    } else if (code < 0x10000) {
        out[0] = (char)(0xE0 | code >> 12);
        out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F));
        *count = 3;
    } else {
        out[0] = (char)(0xF0 | code >> 18);
        out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[3] = (char)(0x80 | (code & 0x3F));
        *count = 4;
    }
    return i;
}

/* The decoded content of a JSON string value, in the arena. */
NOT_INLINED text json_string(text value) {
    if (!json_is_string(value)) fail("input: string expected");
    text content = {value.at + 1, value.length - 2};
    char *out = allocate(content.length); /* decoding never lengthens */
    u32 length = 0;
    for (u32 i = 0; i < content.length;) {
        if (content.at[i] == '\\') {
            u32 count;
            i = json_escape(content, i, out + length, &count);
            length += count;
        } else if ((u8)content.at[i] < 0x20) {
            fail("input: control character in a string");
        } else {
            out[length++] = content.at[i++];
        }
    }
    return (text){out, length};
}

NOT_INLINED int json_string_decodes_to(text value, text want) {
    text content = {value.at + 1, value.length - 2};
    u32 i = 0;
    while (i < content.length && content.at[i] != '\\') i++;
    if (i == content.length) return text_equal(content, want); /* no escapes: compare as is */
    return text_equal(json_string(value), want);
}

/* Whether the JSON string value decodes to want. Decoding never lengthens, and only an escape
   can start with a backslash: most mismatches are seen without a call. */
static inline int json_string_equals(text value, text want) {
    if (!json_is_string(value) || value.length - 2 < want.length) return 0;
    if (want.length > 0 && value.at[1] != want.at[0] && value.at[1] != '\\') return 0;
    return json_string_decodes_to(value, want);
}

/* One pass over the object: values[k] becomes the value of the member named names[k] (compared
   decoded; the first one if repeated), or stays {0, 0} when there is none. */
NOT_INLINED void json_members(text object, u32 count, const text *names, text *values) {
    for (u32 k = 0; k < count; k++) values[k] = (text){0, 0};
    u32 i = json_skip_space(object, 0);
    if (i >= object.length || object.at[i] != '{') fail("input: object expected");
    i = json_skip_space(object, i + 1);
    if (i < object.length && object.at[i] == '}') return;
    for (;;) {
        if (i >= object.length || object.at[i] != '"') fail("input: member name expected");
        u32 name_end = json_string_end(object, i);
        text name = {object.at + i, name_end - i};
        i = json_skip_space(object, name_end);
        if (i >= object.length || object.at[i] != ':') fail("input: ':' expected");
        i = json_skip_space(object, i + 1);
        u32 value_end = json_value_end(object, i);
        for (u32 k = 0; k < count; k++)
            if (!values[k].at && json_string_equals(name, names[k])) values[k] = (text){object.at + i, value_end - i};
        i = json_skip_space(object, value_end);
        if (i < object.length && object.at[i] == '}') return;
        if (i >= object.length || object.at[i] != ',') fail("input: ',' or '}' expected");
        i = json_skip_space(object, i + 1);
    }
}

/* A member the input always has (json_members found it), or a failure naming it. */
static inline text json_required(text value, text name) {
    if (!value.at) fail_about("input: no member ", name);
    return value;
}

/* The value of the object's member named name; 0 when there is none. */
static inline int json_member(text object, text name, text *value) {
    json_members(object, 1, &name, value);
    return value->at != 0;
}

/* The array's next element (start with *cursor = 0); 0 after the last one. */
static inline int json_array_next(text array, u32 *cursor, text *element) {
    u32 i = *cursor;
    if (i >= array.length) return 0; /* the last element was read */
    if (i == 0) {
        i = json_skip_space(array, 0);
        if (i >= array.length || array.at[i] != '[') fail("input: array expected");
    }
    i = json_skip_space(array, i + 1); /* past '[' or ',' */
    if (i < array.length && array.at[i] == ']') {
        *cursor = array.length;
        return 0;
    }
    u32 end = json_value_end(array, i);
    *element = (text){array.at + i, end - i};
    end = json_skip_space(array, end);
    if (end < array.length && array.at[end] == ',') *cursor = end;
    else if (end < array.length && array.at[end] == ']') *cursor = array.length;
    else fail("input: ',' or ']' expected");
    return 1;
}

/* ---- Lists in settings ---- */

/* Whether the comma-separated list holds item (exactly; spaces around items ignored). */
static inline int list_contains(text list, text item) {
    for (u32 start = 0; start <= list.length;) {
        u32 end = start;
        while (end < list.length && list.at[end] != ',') end++;
        u32 first = start, last = end;
        while (first < last && list.at[first] == ' ') first++;
        while (last > first && list.at[last - 1] == ' ') last--;
        if (last > first && text_equal((text){list.at + first, last - first}, item)) return 1;
        start = end + 1;
    }
    return 0;
}

#endif
