/* A table-driven mapping between JSON documents and C structs.
 *
 * Each struct of the OCI data model is described once by a je_type: a list
 * of fields with their JSON name, kind, offset and constraints.  Parsing
 * (from a yajl tree), writing (with yajl_gen), freeing and comparing are all
 * driven by these tables, so a field added to a table is handled everywhere
 * at once and every error names the JSON path where it happened.
 */
#ifndef LIEVE_SPEC_JSON_ENGINE_H
#define LIEVE_SPEC_JSON_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/error.h"

enum je_kind {
	JE_STR,      /* char * */
	JE_BOOL,     /* bool */
	JE_OPT_BOOL, /* spec_opt_bool */
	JE_INT,      /* int64_t */
	JE_UINT,     /* uint64_t */
	JE_OPT_INT,  /* spec_opt_int */
	JE_OPT_UINT, /* spec_opt_uint */
	JE_ENUM,     /* int, index into names */
	JE_STRV,     /* spec_strv */
	JE_MAP,      /* spec_map: object of string values */
	JE_UINTV,    /* SPEC_ARRAY(uint64_t) */
	JE_OBJ,      /* pointer to a sub struct, NULL when absent */
	JE_INLINE,   /* sub struct embedded in place */
	JE_ARRAY,    /* SPEC_ARRAY(sub struct) from a JSON array */
	JE_KEYED,    /* SPEC_ARRAY(sub struct) from a JSON object; key stored in the element */
};

enum {
	JE_REQ = 1 << 0,      /* missing property is an error; always written */
	JE_ALWAYS = 1 << 1,   /* written even when zero */
	JE_RANGED = 1 << 2,   /* integer limited to [min, max] */
	JE_NONEMPTY = 1 << 3, /* array needs at least one entry */
};

/* A JSON path, kept on the stack while descending; rendered only on error. */
typedef struct je_path {
	const struct je_path *up;
	const char *name; /* property name or object key; NULL for an index */
	size_t index;
	bool is_key; /* name is a map key: rendered as ["key"] */
} je_path;

typedef struct je_ctx {
	const char *label;
	lv_error **err;
} je_ctx;

/* Checks a parsed value; on failure writes what was wrong (e.g. `expected an
 * absolute path, got "x"`) into msg and returns -1. */
typedef int (*je_check_fn)(const void *value, char *msg, size_t msgsz);

struct je_type;

typedef struct je_field {
	const char *name;
	enum je_kind kind;
	unsigned flags;
	size_t off;
	const struct je_type *sub;
	const char *const *names; /* NULL-terminated: allowed values (STR, ENUM, STRV items) */
	int64_t min;
	uint64_t max;
	je_check_fn check; /* STR, STRV items, MAP keys */
} je_field;

typedef struct je_type {
	size_t size;
	const je_field *fields;
	size_t nfields;
	size_t key_off; /* JE_KEYED elements: offset of the char * key */
	const char *const *key_names; /* JE_KEYED: allowed keys, or NULL */
	/* Whole-struct checks (duplicates, dependent fields), after its fields parsed. */
	int (*check)(const void *obj, je_ctx *ctx, const je_path *path);
} je_type;

#define JE_FIELDS(arr) .fields = (arr), .nfields = sizeof(arr) / sizeof((arr)[0])

/* Reports `label: path: message`.  Returns -1. */
int je_fail(je_ctx *ctx, const je_path *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats s as a short quoted string, safe to put in a one-line message. */
const char *je_quote(const char *s, char *buf, size_t bufsz);
struct yajl_val_s;
/* How a JSON value is named in messages: "a string", "an array", "null"... */
const char *je_type_name(struct yajl_val_s *v);

/* Parses a whole document whose top level is an object of type t. */
int je_parse_document(const char *json, size_t len, const char *label,
		      const je_type *t, void **out, lv_error **err);

/* Writes obj as a JSON document.  indent NULL means compact output. */
int je_write_document(const je_type *t, const void *obj, const char *indent,
		      char **json, size_t *len, lv_error **err);

void je_free(const je_type *t, void *obj);         /* frees members and obj */
void je_free_members(const je_type *t, void *obj); /* frees members only */
bool je_equal(const je_type *t, const void *a, const void *b);

/* Shared value checks. */
int je_check_abs_path(const void *value, char *msg, size_t msgsz);

/* Generic view of every SPEC_ARRAY / spec_strv / spec_map. */
struct je_array {
	void *v;
	size_t n;
};

/* yajl output helpers for hand-written writers (features). */
struct yajl_gen_t;
int je_gen_begin(struct yajl_gen_t **g, const char *indent, lv_error **err);
int je_gen_finish(struct yajl_gen_t *g, char **json, size_t *len, lv_error **err);

#define JE_MAX_DEPTH 256
#define JE_MAX_DOCUMENT (64u << 20)

#endif
