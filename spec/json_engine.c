/* Table-driven writing, freeing and comparing of the OCI structs. */
#include "spec/json_engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "spec/types.h"
#include "src/util/cleanup.h"

/* ---- free ---- */

static void free_strv(spec_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void free_elems(const je_type *t, struct je_array *a, bool keyed)
{
	for (size_t i = 0; i < a->n; i++) {
		char *elem = (char *)a->v + i * t->size;
		je_free_members(t, elem);
		if (keyed)
			free(*(char **)(elem + t->key_off));
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

void je_free_members(const je_type *t, void *obj)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const je_field *f = &t->fields[i];
		void *p = (char *)obj + f->off;
		switch (f->kind) {
		case JE_STR:
			free(*(char **)p);
			*(char **)p = NULL;
			break;
		case JE_STRV:
			free_strv(p);
			break;
		case JE_MAP: {
			spec_map *m = p;
			for (size_t j = 0; j < m->n; j++) {
				free(m->v[j].key);
				free(m->v[j].value);
			}
			free(m->v);
			m->v = NULL;
			m->n = 0;
			break;
		}
		case JE_UINTV: {
			struct je_array *a = p;
			free(a->v);
			a->v = NULL;
			a->n = 0;
			break;
		}
		case JE_OBJ:
			je_free(f->sub, *(void **)p);
			*(void **)p = NULL;
			break;
		case JE_INLINE:
			je_free_members(f->sub, p);
			break;
		case JE_ARRAY:
		case JE_KEYED:
			free_elems(f->sub, p, f->kind == JE_KEYED);
			break;
		default:
			break;
		}
	}
}

void je_free(const je_type *t, void *obj)
{
	if (!obj)
		return;
	je_free_members(t, obj);
	free(obj);
}

/* ---- equal ---- */

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool field_equal(const je_field *f, const void *pa, const void *pb)
{
	switch (f->kind) {
	case JE_STR:
		return str_eq(*(char *const *)pa, *(char *const *)pb);
	case JE_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case JE_OPT_BOOL: {
		const spec_opt_bool *a = pa, *b = pb;
		return a->set == b->set && (!a->set || a->value == b->value);
	}
	case JE_INT:
		return *(const int64_t *)pa == *(const int64_t *)pb;
	case JE_UINT:
		return *(const uint64_t *)pa == *(const uint64_t *)pb;
	case JE_OPT_INT: {
		const spec_opt_int *a = pa, *b = pb;
		return a->set == b->set && (!a->set || a->value == b->value);
	}
	case JE_OPT_UINT: {
		const spec_opt_uint *a = pa, *b = pb;
		return a->set == b->set && (!a->set || a->value == b->value);
	}
	case JE_ENUM:
		return *(const int *)pa == *(const int *)pb;
	case JE_OBJ: {
		const void *a = *(void *const *)pa, *b = *(void *const *)pb;
		if (!a || !b)
			return a == b;
		return je_equal(f->sub, a, b);
	}
	case JE_INLINE:
		return je_equal(f->sub, pa, pb);
	default:
		break;
	}
	/* Arrays and maps: absent differs from present-but-empty. */
	const struct je_array *a = pa, *b = pb;
	if (!a->v || !b->v)
		return a->v == b->v;
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		switch (f->kind) {
		case JE_STRV:
			if (!str_eq(((char **)a->v)[i], ((char **)b->v)[i]))
				return false;
			break;
		case JE_MAP: {
			const spec_kv *x = (spec_kv *)a->v + i, *y = (spec_kv *)b->v + i;
			if (!str_eq(x->key, y->key) || !str_eq(x->value, y->value))
				return false;
			break;
		}
		case JE_UINTV:
			if (((uint64_t *)a->v)[i] != ((uint64_t *)b->v)[i])
				return false;
			break;
		case JE_ARRAY:
		case JE_KEYED: {
			const char *x = (char *)a->v + i * f->sub->size;
			const char *y = (char *)b->v + i * f->sub->size;
			if (f->kind == JE_KEYED &&
			    !str_eq(*(char *const *)(x + f->sub->key_off), *(char *const *)(y + f->sub->key_off)))
				return false;
			if (!je_equal(f->sub, x, y))
				return false;
			break;
		}
		default:
			return false;
		}
	}
	return true;
}

bool je_equal(const je_type *t, const void *a, const void *b)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const je_field *f = &t->fields[i];
		if (!field_equal(f, (const char *)a + f->off, (const char *)b + f->off))
			return false;
	}
	return true;
}

/* ---- write ---- */

#define GEN(x)                                                                 \
	do {                                                                   \
		yajl_gen_status _s = (x);                                      \
		if (_s != yajl_gen_status_ok)                                  \
			return _s;                                             \
	} while (0)

static yajl_gen_status gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static yajl_gen_status gen_int(yajl_gen g, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	return yajl_gen_number(g, buf, (size_t)n);
}

static yajl_gen_status gen_uint(yajl_gen g, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return yajl_gen_number(g, buf, (size_t)n);
}

static bool field_present(const je_field *f, const void *p)
{
	bool forced = f->flags & (JE_REQ | JE_ALWAYS);
	switch (f->kind) {
	case JE_STR:
	case JE_OBJ:
		return *(void *const *)p != NULL;
	case JE_BOOL:
		return forced || *(const bool *)p;
	case JE_OPT_BOOL:
		return ((const spec_opt_bool *)p)->set;
	case JE_INT:
		return forced || *(const int64_t *)p != 0;
	case JE_UINT:
		return forced || *(const uint64_t *)p != 0;
	case JE_OPT_INT:
		return ((const spec_opt_int *)p)->set;
	case JE_OPT_UINT:
		return ((const spec_opt_uint *)p)->set;
	case JE_ENUM:
	case JE_INLINE:
		return true;
	default:
		return ((const struct je_array *)p)->v != NULL;
	}
}

static yajl_gen_status write_struct(yajl_gen g, const je_type *t, const void *obj);

static yajl_gen_status write_value(yajl_gen g, const je_field *f, const void *p)
{
	const struct je_array *a = p;
	switch (f->kind) {
	case JE_STR:
		return gen_str(g, *(char *const *)p);
	case JE_BOOL:
		return yajl_gen_bool(g, *(const bool *)p);
	case JE_OPT_BOOL:
		return yajl_gen_bool(g, ((const spec_opt_bool *)p)->value);
	case JE_INT:
		return gen_int(g, *(const int64_t *)p);
	case JE_UINT:
		return gen_uint(g, *(const uint64_t *)p);
	case JE_OPT_INT:
		return gen_int(g, ((const spec_opt_int *)p)->value);
	case JE_OPT_UINT:
		return gen_uint(g, ((const spec_opt_uint *)p)->value);
	case JE_ENUM: {
		int i = *(const int *)p;
		int n = 0;
		while (f->names[n])
			n++;
		if (i < 0 || i >= n)
			return yajl_gen_invalid_string;
		return gen_str(g, f->names[i]);
	}
	case JE_OBJ:
		return write_struct(g, f->sub, *(void *const *)p);
	case JE_INLINE:
		return write_struct(g, f->sub, p);
	case JE_STRV:
	case JE_UINTV:
	case JE_ARRAY:
		GEN(yajl_gen_array_open(g));
		for (size_t i = 0; i < a->n; i++) {
			if (f->kind == JE_STRV)
				GEN(gen_str(g, ((char **)a->v)[i]));
			else if (f->kind == JE_UINTV)
				GEN(gen_uint(g, ((uint64_t *)a->v)[i]));
			else
				GEN(write_struct(g, f->sub, (char *)a->v + i * f->sub->size));
		}
		return yajl_gen_array_close(g);
	case JE_MAP:
		GEN(yajl_gen_map_open(g));
		for (size_t i = 0; i < a->n; i++) {
			const spec_kv *kv = (spec_kv *)a->v + i;
			GEN(gen_str(g, kv->key));
			GEN(gen_str(g, kv->value ? kv->value : ""));
		}
		return yajl_gen_map_close(g);
	case JE_KEYED:
		GEN(yajl_gen_map_open(g));
		for (size_t i = 0; i < a->n; i++) {
			const char *elem = (char *)a->v + i * f->sub->size;
			GEN(gen_str(g, *(char *const *)(elem + f->sub->key_off)));
			GEN(write_struct(g, f->sub, elem));
		}
		return yajl_gen_map_close(g);
	}
	return yajl_gen_invalid_string;
}

static yajl_gen_status write_struct(yajl_gen g, const je_type *t, const void *obj)
{
	GEN(yajl_gen_map_open(g));
	for (size_t i = 0; i < t->nfields; i++) {
		const je_field *f = &t->fields[i];
		const void *p = (const char *)obj + f->off;
		if (!field_present(f, p))
			continue;
		GEN(gen_str(g, f->name));
		GEN(write_value(g, f, p));
	}
	return yajl_gen_map_close(g);
}

int je_gen_begin(yajl_gen *out, const char *indent, lv_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "write JSON");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (indent) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, indent);
	}
	*out = g;
	return 0;
}

/* yajl's beautifier prints an empty array as "[", blank line, "]"; fold
 * those into "[]" and "{}" as runc and every other tool print them. */
static size_t fold_empty(char *s, size_t len)
{
	size_t o = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		s[o++] = ch;
		if (in_string) {
			if (ch == '\\' && i + 1 < len)
				s[o++] = s[++i];
			else if (ch == '"')
				in_string = false;
			continue;
		}
		if (ch == '"') {
			in_string = true;
		} else if (ch == '[' || ch == '{') {
			size_t j = i + 1;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n'))
				j++;
			if (j < len && s[j] == (ch == '[' ? ']' : '}')) {
				s[o++] = s[j];
				i = j;
			}
		}
	}
	s[o] = 0;
	return o;
}

int je_gen_finish(yajl_gen g, char **json, size_t *len, lv_error **err)
{
	const unsigned char *buf;
	size_t n;
	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return lv_err(err, 0, "write JSON: incomplete document");
	char *s = malloc(n + 1);
	if (!s)
		return lv_err(err, ENOMEM, "write JSON");
	memcpy(s, buf, n);
	n = fold_empty(s, n);
	*json = s;
	if (len)
		*len = n;
	return 0;
}

static const char *gen_status_text(yajl_gen_status s)
{
	switch (s) {
	case yajl_gen_invalid_string:
		return "a string is not valid UTF-8 or an enum value is out of range";
	case yajl_max_depth_exceeded:
		return "nesting too deep";
	default:
		return "generator error";
	}
}

int je_write_document(const je_type *t, const void *obj, const char *indent, char **json,
		      size_t *len, lv_error **err)
{
	yajl_gen g;
	if (je_gen_begin(&g, indent, err) < 0)
		return -1;
	yajl_gen_status s = write_struct(g, t, obj);
	int r;
	if (s != yajl_gen_status_ok)
		r = lv_err(err, 0, "write JSON: %s", gen_status_text(s));
	else
		r = je_gen_finish(g, json, len, err);
	yajl_gen_free(g);
	return r;
}
