/* The runtime-spec state document. */
#include "spec/state.h"

#include <stddef.h>

#include "spec/json_engine.h"
#include "spec/tables.h"

/* runc also reports "paused", so it is accepted back. */
static const char *const status_names[] = {
	"creating", "created", "running", "stopped", "paused", NULL,
};

static const je_field state_fields[] = {
	{ .name = "ociVersion", .kind = JE_STR, .off = offsetof(spec_state, oci_version), .flags = JE_REQ },
	{ .name = "id", .kind = JE_STR, .off = offsetof(spec_state, id), .flags = JE_REQ },
	{ .name = "status", .kind = JE_STR, .off = offsetof(spec_state, status), .flags = JE_REQ,
	  .names = status_names },
	{ .name = "pid", .kind = JE_INT, .off = offsetof(spec_state, pid), .flags = JE_RANGED,
	  .min = 0, .max = INT32_MAX },
	{ .name = "bundle", .kind = JE_STR, .off = offsetof(spec_state, bundle), .flags = JE_REQ,
	  .check = je_check_abs_path },
	{ .name = "annotations", .kind = JE_MAP, .off = offsetof(spec_state, annotations) },
};

const je_type spec_state_type = { .size = sizeof(spec_state), JE_FIELDS(state_fields) };

int spec_state_write(const spec_state *st, bool indent, char **json, size_t *len, lv_error **err)
{
	/* runc prints `state` with two-space indentation. */
	return je_write_document(&spec_state_type, st, indent ? "  " : NULL, json, len, err);
}

int spec_state_parse(const char *json, size_t len, const char *label, spec_state **out,
		     lv_error **err)
{
	return je_parse_document(json, len, label, &spec_state_type, (void **)out, err);
}

void spec_state_free(spec_state *st)
{
	je_free(&spec_state_type, st);
}
