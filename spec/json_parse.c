/* Table-driven JSON parsing: yajl tree -> C structs, with path-naming errors. */
#include "spec/json_engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "spec/types.h"
#include "src/util/cleanup.h"

/* ---- error reporting ---- */

static void path_render(const je_path *p, char *buf, size_t bufsz, size_t *len)
{
	if (!p)
		return;
	path_render(p->up, buf, bufsz, len);
	if (*len >= bufsz)
		return;
	int n;
	if (!p->name)
		n = snprintf(buf + *len, bufsz - *len, "[%zu]", p->index);
	else if (p->is_key) {
		char q[160];
		n = snprintf(buf + *len, bufsz - *len, "[%s]", je_quote(p->name, q, sizeof(q)));
	} else
		n = snprintf(buf + *len, bufsz - *len, "%s%s", *len ? "." : "", p->name);
	if (n > 0)
		*len += (size_t)n;
}

int je_fail(je_ctx *ctx, const je_path *path, const char *fmt, ...)
{
	char where[1024] = "";
	size_t len = 0;
	path_render(path, where, sizeof(where), &len);
	_cleanup_free_ char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (r < 0)
		return lv_err(ctx->err, ENOMEM, "%s", ctx->label);
	if (where[0])
		return lv_err(ctx->err, 0, "%s: %s: %s", ctx->label, where, what);
	return lv_err(ctx->err, 0, "%s: %s", ctx->label, what);
}

const char *je_quote(const char *s, char *buf, size_t bufsz)
{
	size_t o = 0;
	const size_t limit = bufsz > 8 ? bufsz - 8 : 0;
	if (bufsz < 16) {
		if (bufsz)
			buf[0] = 0;
		return buf;
	}
	buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (o >= limit) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", *p);
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

const char *je_type_name(yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return "a string";
	if (YAJL_IS_NUMBER(v))
		return "a number";
	if (YAJL_IS_OBJECT(v))
		return "an object";
	if (YAJL_IS_ARRAY(v))
		return "an array";
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return "a boolean";
	return "null";
}

static int type_error(je_ctx *c, const je_path *p, const char *expected, yajl_val v)
{
	return je_fail(c, p, "expected %s, got %s", expected, je_type_name(v));
}

static const char *kind_expects(enum je_kind k)
{
	switch (k) {
	case JE_STR:
	case JE_ENUM:
		return "a string";
	case JE_BOOL:
	case JE_OPT_BOOL:
		return "a boolean";
	case JE_INT:
	case JE_UINT:
	case JE_OPT_INT:
	case JE_OPT_UINT:
		return "an integer";
	case JE_STRV:
	case JE_UINTV:
	case JE_ARRAY:
		return "an array";
	default:
		return "an object";
	}
}

static int enum_error(je_ctx *c, const je_path *p, const char *const *names, const char *got)
{
	char list[1024];
	size_t o = 0;
	list[0] = 0;
	for (size_t i = 0; names[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", names[i]);
	char q[160];
	return je_fail(c, p, "expected one of %s; got %s", list, je_quote(got, q, sizeof(q)));
}

static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* ---- scalars ---- */

static int parse_string(je_ctx *c, const je_field *f, yajl_val v, char **out, const je_path *p)
{
	if (!YAJL_IS_STRING(v))
		return type_error(c, p, "a string", v);
	const char *s = YAJL_GET_STRING(v);
	if (f->names && name_index(f->names, s) < 0)
		return enum_error(c, p, f->names, s);
	char msg[512];
	if (f->check && f->check(&s, msg, sizeof(msg)) < 0)
		return je_fail(c, p, "%s", msg);
	*out = strdup(s);
	if (!*out)
		return je_fail(c, p, "out of memory");
	return 0;
}

/* Reads an integer from the number's text as written, so values beyond
 * int64 and fractions are reported exactly as the user wrote them. */
static int parse_integer(je_ctx *c, const je_field *f, yajl_val v, bool is_signed,
			 int64_t *sv, uint64_t *uv, const je_path *p)
{
	if (!YAJL_IS_NUMBER(v))
		return type_error(c, p, "an integer", v);
	const char *raw = v->u.number.r;
	int64_t min = is_signed ? INT64_MIN : 0;
	uint64_t max = is_signed ? (uint64_t)INT64_MAX : UINT64_MAX;
	if (f->flags & JE_RANGED) {
		min = f->min;
		max = f->max;
	}
	if (strpbrk(raw, ".eE"))
		return je_fail(c, p, "expected an integer, got %s", raw);
	bool ok;
	char *end;
	errno = 0;
	if (raw[0] == '-') {
		long long x = strtoll(raw, &end, 10);
		ok = errno == 0 && *end == 0 && x >= min && (x < 0 || (uint64_t)x <= max);
		*sv = x;
		*uv = (uint64_t)x;
	} else {
		unsigned long long x = strtoull(raw, &end, 10);
		ok = errno == 0 && *end == 0 && x <= max && (min <= 0 || x >= (uint64_t)min);
		*sv = (int64_t)x;
		*uv = x;
	}
	if (!ok)
		return je_fail(c, p, "expected an integer from %" PRId64 " to %" PRIu64 ", got %s",
			       min, max, raw);
	return 0;
}

static int parse_bool(je_ctx *c, yajl_val v, bool *out, const je_path *p)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return type_error(c, p, "a boolean", v);
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* ---- containers ---- */

static int parse_struct(je_ctx *c, const je_type *t, yajl_val obj, void *out, const je_path *p);

/* Arrays are allocated zeroed with their final count first, so a failure
 * half-way leaves something je_free can release. */
static int alloc_array(je_ctx *c, struct je_array *a, size_t n, size_t elem, bool strv,
		       const je_path *p)
{
	a->v = calloc(n + (strv || n == 0 ? 1 : 0), elem);
	if (!a->v)
		return je_fail(c, p, "out of memory");
	a->n = n;
	return 0;
}

static int parse_strv(je_ctx *c, const je_field *f, yajl_val v, spec_strv *out, const je_path *p)
{
	if (!YAJL_IS_ARRAY(v))
		return type_error(c, p, "an array", v);
	size_t n = v->u.array.len;
	if (alloc_array(c, (struct je_array *)out, n, sizeof(char *), true, p) < 0)
		return -1;
	je_field item = { .kind = JE_STR, .names = f->names, .check = f->check };
	for (size_t i = 0; i < n; i++) {
		je_path ip = { p, NULL, i, false };
		if (parse_string(c, &item, v->u.array.values[i], &out->v[i], &ip) < 0)
			return -1;
	}
	return 0;
}

static int parse_uintv(je_ctx *c, const je_field *f, yajl_val v, struct je_array *out,
		       const je_path *p)
{
	if (!YAJL_IS_ARRAY(v))
		return type_error(c, p, "an array", v);
	size_t n = v->u.array.len;
	if (alloc_array(c, out, n, sizeof(uint64_t), false, p) < 0)
		return -1;
	uint64_t *items = out->v;
	for (size_t i = 0; i < n; i++) {
		je_path ip = { p, NULL, i, false };
		int64_t s;
		if (parse_integer(c, f, v->u.array.values[i], false, &s, &items[i], &ip) < 0)
			return -1;
	}
	return 0;
}

static int parse_map(je_ctx *c, const je_field *f, yajl_val v, spec_map *out, const je_path *p)
{
	if (!YAJL_IS_OBJECT(v))
		return type_error(c, p, "an object", v);
	size_t n = v->u.object.len;
	if (alloc_array(c, (struct je_array *)out, n, sizeof(spec_kv), false, p) < 0)
		return -1;
	je_field item = { .kind = JE_STR };
	for (size_t i = 0; i < n; i++) {
		je_path kp = { p, v->u.object.keys[i], 0, true };
		char msg[512];
		const char *key = v->u.object.keys[i];
		if (f->check && f->check(&key, msg, sizeof(msg)) < 0)
			return je_fail(c, &kp, "%s", msg);
		out->v[i].key = strdup(key);
		if (!out->v[i].key)
			return je_fail(c, p, "out of memory");
		if (parse_string(c, &item, v->u.object.values[i], &out->v[i].value, &kp) < 0)
			return -1;
	}
	return 0;
}

static int parse_array(je_ctx *c, const je_field *f, yajl_val v, struct je_array *out,
		       const je_path *p)
{
	if (!YAJL_IS_ARRAY(v))
		return type_error(c, p, "an array", v);
	size_t n = v->u.array.len;
	if (alloc_array(c, out, n, f->sub->size, false, p) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		je_path ip = { p, NULL, i, false };
		void *elem = (char *)out->v + i * f->sub->size;
		if (parse_struct(c, f->sub, v->u.array.values[i], elem, &ip) < 0)
			return -1;
	}
	return 0;
}

static int parse_keyed(je_ctx *c, const je_field *f, yajl_val v, struct je_array *out,
		       const je_path *p)
{
	if (!YAJL_IS_OBJECT(v))
		return type_error(c, p, "an object", v);
	size_t n = v->u.object.len;
	const je_type *t = f->sub;
	if (alloc_array(c, out, n, t->size, false, p) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *key = v->u.object.keys[i];
		je_path kp = { p, key, 0, true };
		if (t->key_names && name_index(t->key_names, key) < 0)
			return enum_error(c, &kp, t->key_names, key);
		char *elem = (char *)out->v + i * t->size;
		char **keyp = (char **)(elem + t->key_off);
		*keyp = strdup(key);
		if (!*keyp)
			return je_fail(c, p, "out of memory");
		if (parse_struct(c, t, v->u.object.values[i], elem, &kp) < 0)
			return -1;
	}
	return 0;
}

static int parse_field(je_ctx *c, const je_field *f, yajl_val v, void *dst, const je_path *p)
{
	int64_t s;
	uint64_t u;
	switch (f->kind) {
	case JE_STR:
		return parse_string(c, f, v, dst, p);
	case JE_BOOL:
		return parse_bool(c, v, dst, p);
	case JE_OPT_BOOL: {
		spec_opt_bool *o = dst;
		if (parse_bool(c, v, &o->value, p) < 0)
			return -1;
		o->set = true;
		return 0;
	}
	case JE_INT:
		if (parse_integer(c, f, v, true, &s, &u, p) < 0)
			return -1;
		*(int64_t *)dst = s;
		return 0;
	case JE_UINT:
		if (parse_integer(c, f, v, false, &s, &u, p) < 0)
			return -1;
		*(uint64_t *)dst = u;
		return 0;
	case JE_OPT_INT: {
		spec_opt_int *o = dst;
		if (parse_integer(c, f, v, true, &o->value, &u, p) < 0)
			return -1;
		o->set = true;
		return 0;
	}
	case JE_OPT_UINT: {
		spec_opt_uint *o = dst;
		if (parse_integer(c, f, v, false, &s, &o->value, p) < 0)
			return -1;
		o->set = true;
		return 0;
	}
	case JE_ENUM: {
		if (!YAJL_IS_STRING(v))
			return type_error(c, p, "a string", v);
		int i = name_index(f->names, YAJL_GET_STRING(v));
		if (i < 0)
			return enum_error(c, p, f->names, YAJL_GET_STRING(v));
		*(int *)dst = i;
		return 0;
	}
	case JE_STRV:
		return parse_strv(c, f, v, dst, p);
	case JE_MAP:
		return parse_map(c, f, v, dst, p);
	case JE_UINTV:
		return parse_uintv(c, f, v, dst, p);
	case JE_OBJ: {
		void **pp = dst;
		if (!YAJL_IS_OBJECT(v))
			return type_error(c, p, "an object", v);
		*pp = calloc(1, f->sub->size);
		if (!*pp)
			return je_fail(c, p, "out of memory");
		return parse_struct(c, f->sub, v, *pp, p);
	}
	case JE_INLINE:
		return parse_struct(c, f->sub, v, dst, p);
	case JE_ARRAY:
		return parse_array(c, f, v, dst, p);
	case JE_KEYED:
		return parse_keyed(c, f, v, dst, p);
	}
	return je_fail(c, p, "internal error: unknown field kind");
}

/* Like encoding/json, the last of duplicate keys wins. */
static yajl_val object_get(yajl_val obj, const char *name)
{
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], name) == 0)
			return obj->u.object.values[i];
	return NULL;
}

static int parse_struct(je_ctx *c, const je_type *t, yajl_val obj, void *out, const je_path *p)
{
	if (!YAJL_IS_OBJECT(obj))
		return type_error(c, p, "an object", obj);
	for (size_t i = 0; i < t->nfields; i++) {
		const je_field *f = &t->fields[i];
		je_path fp = { p, f->name, 0, false };
		yajl_val v = object_get(obj, f->name);
		/* An explicit null is an absent optional property, as in runc. */
		if (!v || YAJL_IS_NULL(v)) {
			if (!(f->flags & JE_REQ))
				continue;
			if (v)
				return type_error(c, &fp, kind_expects(f->kind), v);
			return je_fail(c, &fp, "missing required property");
		}
		if (parse_field(c, f, v, (char *)out + f->off, &fp) < 0)
			return -1;
		if ((f->flags & JE_NONEMPTY) && ((struct je_array *)((char *)out + f->off))->n == 0)
			return je_fail(c, &fp, "expected at least one entry");
	}
	if (t->check)
		return t->check(out, c, p);
	return 0;
}

/* ---- documents ---- */

/* yajl_tree_free recurses, and yajl treats NUL as end of input and keeps
 * "\u0000" inside strings (silently truncating them in C): refuse all three
 * before handing the text to yajl. */
static int prescan(je_ctx *c, const char *json, size_t len)
{
	unsigned depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char ch = json[i];
		if (ch == 0)
			return je_fail(c, NULL, "invalid JSON: NUL byte at offset %zu", i);
		if (in_string) {
			if (ch == '\\') {
				if (i + 5 < len && json[i + 1] == 'u' && memcmp(json + i + 2, "0000", 4) == 0)
					return je_fail(c, NULL,
						       "invalid JSON: \\u0000 in a string at offset %zu", i);
				i++;
			} else if (ch == '"') {
				in_string = false;
			}
			continue;
		}
		if (ch == '"')
			in_string = true;
		else if (ch == '[' || ch == '{') {
			if (++depth > JE_MAX_DEPTH)
				return je_fail(c, NULL, "invalid JSON: nesting deeper than %d levels",
					       JE_MAX_DEPTH);
		} else if ((ch == ']' || ch == '}') && depth > 0)
			depth--;
	}
	return 0;
}

static void yajl_tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

int je_parse_document(const char *json, size_t len, const char *label, const je_type *t,
		      void **out, lv_error **err)
{
	je_ctx c = { label, err };
	if (len > JE_MAX_DOCUMENT)
		return je_fail(&c, NULL, "document larger than %u bytes", JE_MAX_DOCUMENT);
	if (prescan(&c, json, len) < 0)
		return -1;
	_cleanup_free_ char *text = malloc(len + 1);
	if (!text)
		return lv_err(err, ENOMEM, "%s", label);
	memcpy(text, json, len);
	text[len] = 0;

	char ebuf[1024];
	ebuf[0] = 0;
	__attribute__((cleanup(yajl_tree_freep))) yajl_val root =
		yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!root) {
		ebuf[strcspn(ebuf, "\n")] = 0;
		return je_fail(&c, NULL, "invalid JSON: %s", ebuf[0] ? ebuf : "parse error");
	}
	if (!YAJL_IS_OBJECT(root))
		return type_error(&c, NULL, "an object", root);
	void *obj = calloc(1, t->size);
	if (!obj)
		return lv_err(err, ENOMEM, "%s", label);
	if (parse_struct(&c, t, root, obj, NULL) < 0) {
		je_free(t, obj);
		return -1;
	}
	*out = obj;
	return 0;
}

int je_check_abs_path(const void *value, char *msg, size_t msgsz)
{
	const char *s = *(const char *const *)value;
	if (s[0] == '/')
		return 0;
	char q[160];
	snprintf(msg, msgsz, "expected an absolute path, got %s", je_quote(s, q, sizeof(q)));
	return -1;
}
