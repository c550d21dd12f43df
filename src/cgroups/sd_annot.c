/* Unit properties from "org.systemd.property.NAME" annotations, as runc
 * takes them: the value in GVariant text form.  Pure: no syscalls.
 *
 * The subset parsed covers what systemd's scope properties take: booleans,
 * numbers (typed with a keyword, else int32 or double as GVariant assumes),
 * strings and arrays of strings.  Anything else is an error naming the
 * annotation, never a property silently dropped. */
#include "src/cgroups/sd.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/cleanup.h"

#define SD_PROP_PREFIX "org.systemd.property."

typedef struct {
	const char *word;
	char type;
	bool is_signed;
	double lo, hi;
} num_type;

static const num_type num_types[] = {
	{ "byte", 'y', false, 0, 255 },
	{ "int16", 'n', true, -32768, 32767 },
	{ "uint16", 'q', false, 0, 65535 },
	{ "int32", 'i', true, -2147483648.0, 2147483647.0 },
	{ "uint32", 'u', false, 0, 4294967295.0 },
	{ "int64", 'x', true, -9223372036854775808.0, 9223372036854775807.0 },
	{ "uint64", 't', false, 0, 18446744073709551615.0 },
};

static const char *skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* A quoted string at *p ('...' or "..."), escapes \\ \' \" \n \t; *p moves
 * past it. */
static int parse_string(const char **p, char **out)
{
	char q = **p;
	if (q != '\'' && q != '"')
		return -1;
	const char *s = *p + 1;
	_cleanup_free_ char *buf = malloc(strlen(s) + 1);
	if (!buf)
		return -1;
	size_t o = 0;
	for (; *s && *s != q; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			buf[o++] = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else {
			buf[o++] = *s;
		}
	}
	if (*s != q)
		return -1;
	buf[o] = '\0';
	*p = s + 1;
	*out = steal_ptr(buf);
	return 0;
}

static int parse_strv(const char *s, cg_sd_prop *e)
{
	size_t n = 0;
	_cleanup_strv_ char **v = calloc(strlen(s) / 2 + 1, sizeof(*v));
	if (!v)
		return -1;
	s = skip_ws(s + 1);
	while (*s != ']') {
		if (parse_string(&s, &v[n]) < 0)
			return -1;
		n++;
		s = skip_ws(s);
		if (*s == ',')
			s = skip_ws(s + 1);
		else if (*s != ']')
			return -1;
	}
	if (n == 0 || *skip_ws(s + 1))
		return -1; /* [] has no type GVariant could infer */
	e->type = 'S';
	e->strv = steal_ptr(v);
	return 0;
}

static int parse_number(const char *s, const num_type *t, cg_sd_prop *e)
{
	char *end;
	errno = 0;
	if (t && !t->is_signed) {
		if (*s == '-')
			return -1;
		unsigned long long u = strtoull(s, &end, 0);
		if (errno || end == s || *skip_ws(end) || (double)u > t->hi)
			return -1;
		e->v.u = u;
	} else {
		long long i = strtoll(s, &end, 0);
		if (!errno && end != s && !*skip_ws(end)) {
			if (!t)
				t = &num_types[3]; /* int32, as GVariant assumes */
			if ((double)i < t->lo || (double)i > t->hi)
				return -1;
			e->v.i = i;
		} else if (!t) {
			errno = 0;
			double d = strtod(s, &end);
			if (errno || end == s || *skip_ws(end))
				return -1;
			e->type = 'd';
			e->v.d = d;
			return 0;
		} else {
			return -1;
		}
	}
	e->type = t->type;
	return 0;
}

/* One GVariant text value into e (type and value). */
static int parse_value(const char *text, cg_sd_prop *e)
{
	const char *s = skip_ws(text);
	if (!strcmp(s, "true") || !strcmp(s, "false") ||
	    !strcmp(s, "boolean true") || !strcmp(s, "boolean false")) {
		e->type = 'b';
		e->v.b = strstr(s, "true") != NULL;
		return 0;
	}
	if (*s == '\'' || *s == '"' || !strncmp(s, "string ", 7)) {
		if (*s == 's')
			s = skip_ws(s + 7);
		if (parse_string(&s, &e->s) < 0 || *skip_ws(s))
			return -1;
		e->type = 's';
		return 0;
	}
	if (*s == '[')
		return parse_strv(s, e);
	if (!strncmp(s, "double ", 7)) {
		char *end;
		errno = 0;
		e->v.d = strtod(s + 7, &end);
		e->type = 'd';
		return errno || end == s + 7 || *skip_ws(end) ? -1 : 0;
	}
	for (size_t i = 0; i < sizeof(num_types) / sizeof(num_types[0]); i++) {
		size_t l = strlen(num_types[i].word);
		if (!strncmp(s, num_types[i].word, l) && isspace((unsigned char)s[l]))
			return parse_number(skip_ws(s + l), &num_types[i], e);
	}
	return parse_number(s, NULL, e);
}

/* runc's rule: a name of letters only, at least three. */
static bool valid_name(const char *s)
{
	if (strlen(s) < 3)
		return false;
	for (; *s; s++)
		if (!isalpha((unsigned char)*s))
			return false;
	return true;
}

/* NAMESec (documented form) → NAMEUSec (the D-Bus property), seconds →
 * microseconds. */
static int sec_to_usec(cg_sd_prop *e)
{
	size_t l = strlen(e->name);
	if (l < 4 || strcmp(e->name + l - 3, "Sec") || !islower((unsigned char)e->name[l - 4]))
		return 0;
	uint64_t usec;
	switch (e->type) {
	case 'y': case 'q': case 'u': case 't':
		if (e->v.u > UINT64_MAX / 1000000)
			return -1;
		usec = e->v.u * 1000000;
		break;
	case 'n': case 'i': case 'x':
		if (e->v.i < 0 || (uint64_t)e->v.i > UINT64_MAX / 1000000)
			return -1;
		usec = (uint64_t)e->v.i * 1000000;
		break;
	case 'd':
		if (!(e->v.d >= 0) || e->v.d * 1e6 >= 18446744073709551615.0)
			return -1;
		usec = (uint64_t)(e->v.d * 1e6);
		break;
	default:
		return -1;
	}
	char *n = malloc(l + 2);
	if (!n)
		return -1;
	memcpy(n, e->name, l - 3);
	strcpy(n + l - 3, "USec");
	free(e->name);
	e->name = n;
	e->type = 't';
	e->v.u = usec;
	return 0;
}

int cg_sd_annotation_props(const spec_map *annotations, cg_sd_props *out, lv_error **err)
{
	const size_t plen = sizeof(SD_PROP_PREFIX) - 1;
	for (size_t i = 0; annotations && i < annotations->n; i++) {
		const spec_kv *kv = &annotations->v[i];
		if (strncmp(kv->key, SD_PROP_PREFIX, plen))
			continue;
		const char *name = kv->key + plen;
		if (!valid_name(name))
			return lv_err(err, 0, "annotation \"%s\": \"%s\" is not a systemd "
				      "property name (letters only, at least 3)", kv->key, name);
		cg_sd_prop e = { 0 };
		if (!(e.name = strdup(name)))
			return lv_err(err, ENOMEM, "unit properties");
		if (parse_value(kv->value, &e) < 0) {
			cg_sd_prop_clear(&e);
			return lv_err(err, 0, "annotation \"%s\": cannot parse \"%s\" as a "
				      "GVariant value (true, false, \"uint64 5\", 5, 1.5, "
				      "'text', ['text', ...])", kv->key, kv->value);
		}
		if (sec_to_usec(&e) < 0) {
			cg_sd_prop_clear(&e);
			return lv_err(err, 0, "annotation \"%s\": \"%s\" is not a number of "
				      "seconds", kv->key, kv->value);
		}
		cg_sd_prop *v = reallocarray(out->v, out->n + 1, sizeof(*v));
		if (!v) {
			cg_sd_prop_clear(&e);
			return lv_err(err, ENOMEM, "unit properties");
		}
		out->v = v;
		out->v[out->n++] = e;
	}
	return 0;
}
