/* Opening an existing container: lock, record, derived status, config. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/container.h"
#include "src/status.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

/* The status comes from the real process, never from what was last
 * written: init may have exited with nobody telling us. */
static const char *derive_status(int dir_fd, const lv_record *r)
{
	return lv_record_status(r, faccessat(dir_fd, LV_FIFO_FILE, F_OK, 0) == 0);
}

int lv_open_container(const lv_context *ctx, const char *id, bool exclusive,
		      bool want_config, lv_opened *o, lv_error **err)
{
	memset(o, 0, sizeof(*o));
	o->store.root_fd = o->store.dir_fd = o->store.lock_fd = -1;
	if (lv_id_validate(id, err) < 0)
		return -1;
	if (lv_store_open(ctx->root, id, exclusive, &o->store, err) < 0)
		return -1;
	if (lv_store_read_record(&o->store, &o->rec, err) < 0)
		goto fail;
	o->status = derive_status(o->store.dir_fd, o->rec);
	if (want_config) {
		_cleanup_free_ char *path = NULL, *raw = NULL;
		size_t len = 0;
		if (asprintf(&path, "%s/%s", o->store.path, LV_RUNTIME_FILE) < 0) {
			lv_err(err, ENOMEM, "open container");
			goto fail;
		}
		if (lv_read_file(path, &raw, &len, 64u << 20, err) < 0 ||
		    spec_config_parse(raw, len, LV_RUNTIME_FILE, &o->cfg, err) < 0)
			goto fail;
	}
	return 0;
fail:
	lv_close_container(o);
	return -1;
}

void lv_close_container(lv_opened *o)
{
	if (o->store.lock_fd >= 0 || o->store.dir_fd >= 0)
		lv_store_close(&o->store);
	o->store.root_fd = o->store.dir_fd = o->store.lock_fd = -1;
	lv_record_free(o->rec);
	o->rec = NULL;
	spec_config_free(o->cfg);
	o->cfg = NULL;
}
