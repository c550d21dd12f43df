/* Building blocks of the OCI data model: optional scalars, arrays and maps.
 *
 * Every array type has the same layout { items, count } so the table-driven
 * JSON engine (spec/json_engine.c) can handle them generically.  An absent
 * array has v == NULL; a present-but-empty one has v != NULL and n == 0, so
 * `"env": []` survives a round trip.  String vectors are NULL-terminated too,
 * ready for execve().
 */
#ifndef LIEVE_SPEC_TYPES_H
#define LIEVE_SPEC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t value;
	bool set;
} spec_opt_int;

typedef struct {
	uint64_t value;
	bool set;
} spec_opt_uint;

typedef struct {
	bool value;
	bool set;
} spec_opt_bool;

typedef struct {
	char **v; /* NULL-terminated */
	size_t n;
} spec_strv;

typedef struct {
	char *key;
	char *value;
} spec_kv;

/* A JSON object of string values, in document order.  A key repeated in
 * the document appears twice; spec_map_get returns the last, and consumers
 * applying entries in order get the same "last wins" result as runc. */
typedef struct {
	spec_kv *v;
	size_t n;
} spec_map;

#define SPEC_ARRAY(T)                                                          \
	struct {                                                               \
		T *v;                                                          \
		size_t n;                                                      \
	}

/* Looks a key up in a map (the last of duplicates); NULL when absent. */
const char *spec_map_get(const spec_map *m, const char *key);

#endif
