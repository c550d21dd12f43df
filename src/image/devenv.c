/* Dev environments: a bundle in the layer store whose rootfs is an overlay
 * of the image's layers, with the caller's directory bind-mounted at
 * IMG_DEV_WORKDIR. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/unpack.h"
#include "src/util/cleanup.h"

static int check_id(const char *id, lv_error **err)
{
	size_t n = strlen(id);
	if (n == 0 || n > 1024 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789_+.-") != n ||
	    strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return lv_err(err, 0, "invalid container id \"%s\"", id);
	return 0;
}

static int new_id(char **id, lv_error **err)
{
	unsigned char r[6];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return lv_err(err, errno, "generate a container id");
	if (asprintf(id, "dev-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]) < 0)
		return lv_err(err, ENOMEM, "generate a container id");
	return 0;
}

static int write_config(const img_devenv_opts *o, const img_config *ic, int dir_fd,
			const char *dir, lv_error **err)
{
	_cleanup_close_ int root_fd = openat(dir_fd, "rootfs", O_PATH | O_DIRECTORY |
					     O_NOFOLLOW | O_CLOEXEC);
	if (root_fd < 0)
		return lv_err(err, errno, "open \"%s/rootfs\"", dir);
	img_overrides ov = o->ov;
	_cleanup_free_ img_bind *binds = calloc(ov.n_binds + 1, sizeof(img_bind));
	if (!binds)
		return lv_err(err, ENOMEM, "config");
	size_t n = 0;
	if (o->workdir_host) {
		binds[n++] = (img_bind){ o->workdir_host, IMG_DEV_WORKDIR, false };
		if (!ov.cwd)
			ov.cwd = IMG_DEV_WORKDIR;
	}
	for (size_t i = 0; i < ov.n_binds; i++)
		binds[n++] = ov.binds[i];
	ov.binds = binds;
	ov.n_binds = n;
	ov.rootfs_path = "rootfs";
	_cleanup_config_ spec_config *cfg = NULL;
	if (img_config_to_spec(ic, root_fd, &ov, &cfg, err) < 0)
		return -1;
	return img_write_config(dir_fd, "config.json", cfg, err);
}

int img_devenv_prepare(const img_devenv_opts *o, img_devenv *d, lv_error **err)
{
	memset(d, 0, sizeof(*d));
	_cleanup_free_ char *id = NULL;
	if (o->id ? (check_id(o->id, err) < 0 || !(id = strdup(o->id))) : new_id(&id, err) < 0)
		return lv_err(err, ENOMEM, "image run");
	img_store st = { -1, NULL };
	_cleanup_source_ img_source *src = NULL;
	_cleanup_image_ img_image *im = NULL;
	_cleanup_free_ char *dir = NULL, *rel = NULL;
	_cleanup_close_ int dir_fd = -1;
	bool created = false, mounted = false;
	/* The image first: a bad reference must not create a store.  An
	 * archive is unpacked beside the layers when the store exists. */
	struct stat sst;
	const char *tmp = stat(o->store, &sst) == 0 ? o->store
		: (getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp");
	if (img_source_open(o->image, tmp, &src, err) < 0 ||
	    img_resolve(src, o->platform, &im, err) < 0 ||
	    img_store_open(o->store, &st, err) < 0)
		goto fail;
	if (!o->ov.args && im->config->config.entrypoint.n + im->config->config.cmd.n == 0) {
		lv_err(err, 0, "the image has no Entrypoint or Cmd: give a command");
		goto fail;
	}
	if (asprintf(&dir, "%s/containers/%s", st.path, id) < 0 ||
	    asprintf(&rel, "containers/%s", id) < 0) {
		lv_err(err, ENOMEM, "image run");
		goto fail;
	}
	if (mkdirat(st.fd, rel, 0700) == 0)
		created = true;
	else if (errno != EEXIST) {
		lv_err(err, errno, "create \"%s\"", dir);
		goto fail;
	}
	dir_fd = openat(st.fd, rel, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0) {
		lv_err(err, errno, "open \"%s\"", dir);
		goto fail;
	}
	if (img_store_mount_image(&st, src, im, dir_fd, dir, err) < 0)
		goto fail;
	mounted = true;
	if (write_config(o, im->config, dir_fd, dir, err) < 0)
		goto fail;
	img_store_close(&st);
	d->id = steal_ptr(id);
	d->bundle = steal_ptr(dir);
	d->mounted = true;
	return 0;
fail:
	if (mounted) {
		_cleanup_free_ char *target = NULL;
		if (asprintf(&target, "%s/rootfs", dir) >= 0)
			umount2(target, MNT_DETACH);
	}
	if (created)
		img_remove_tree(st.fd, rel, NULL);
	img_store_close(&st);
	return lv_err_wrap(err, "image run \"%s\"", o->image);
}

int img_devenv_finish(img_devenv *d, bool remove, lv_error **err)
{
	int r = 0;
	if (d->mounted && d->bundle) {
		_cleanup_free_ char *target = NULL;
		if (asprintf(&target, "%s/rootfs", d->bundle) < 0)
			r = lv_err(err, ENOMEM, "unmount");
		else if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL)
			r = lv_err(err, errno, "unmount \"%s\"", target);
		d->mounted = false;
	}
	if (remove && d->bundle && r == 0 && img_remove_tree(AT_FDCWD, d->bundle, err) < 0)
		r = -1;
	free(d->id);
	free(d->bundle);
	d->id = d->bundle = NULL;
	return r;
}
