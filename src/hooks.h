/* OCI hooks: each runs with the state JSON on stdin, its args and env, and
 * an optional timeout.  A hook that fails or times out is an error naming
 * the hook and carrying what it printed. */
#ifndef LIEVE_HOOKS_H
#define LIEVE_HOOKS_H

#include "spec/config.h"
#include "src/error.h"

/* `kind` names the list in messages ("createRuntime"). */
int lv_hooks_run(const spec_hooks_list *list, const char *kind,
		 const char *state_json, lv_error **err);

/* poststart and poststop: a failing hook is logged as a warning and the
 * remaining hooks still run, as the runtime-spec requires. */
void lv_hooks_run_warn(const spec_hooks_list *list, const char *kind,
		       const char *state_json);

#endif
