/* The JSON tables of the OCI documents (internal to spec/). */
#ifndef LIEVE_SPEC_TABLES_H
#define LIEVE_SPEC_TABLES_H

#include "spec/json_engine.h"

extern const je_type spec_config_type;
extern const je_type spec_process_type;
extern const je_type spec_state_type;

extern const char *const spec_ns_names[];
extern const char *const spec_action_names[];
extern const char *const spec_op_names[];

/* Reads a whole regular file of at most max bytes. */
int spec_read_file(const char *path, size_t max, char **data, size_t *len, lv_error **err);

#endif
