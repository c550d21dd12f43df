/* The container record's on-disk form (state.json), kept apart from the
 * directory handling so it can be tested as pure data. */
#ifndef LIEVE_STORE_RECORD_H
#define LIEVE_STORE_RECORD_H

#include <stddef.h>

#include "src/store.h"

int lv_record_serialize(const lv_record *r, char **json, size_t *len,
			lv_error **err);
/* `label` names the source in messages. */
int lv_record_parse(const char *json, const char *label, lv_record **out,
		    lv_error **err);

#endif
