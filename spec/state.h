/* The runtime-spec state document (`lieve state` output, hook stdin). */
#ifndef LIEVE_SPEC_STATE_H
#define LIEVE_SPEC_STATE_H

#include "src/error.h"
#include "spec/types.h"

typedef struct {
	char *oci_version; /* required */
	char *id;          /* required */
	char *status;      /* required: creating, created, running, stopped */
	int64_t pid;       /* 0 = absent (stopped) */
	char *bundle;      /* required, absolute */
	spec_map annotations;
} spec_state;

/* Writes the state as indented JSON (runc's `state` prints it indented). */
int spec_state_write(const spec_state *st, bool indent, char **json, size_t *len,
		     lv_error **err);
int spec_state_parse(const char *json, size_t len, const char *label,
		     spec_state **out, lv_error **err);
void spec_state_free(spec_state *st);

#endif
