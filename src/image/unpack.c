/* `lieve image unpack`: an image into a bundle, all or nothing.  The rootfs
 * is built in a temporary directory beside BUNDLE/rootfs and renamed into
 * place at the end; any failure removes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/unpack.h"
#include "src/util/cleanup.h"

int img_apply_layer(img_source *src, const img_image *im, size_t i, int root_fd,
		    int whiteouts, const int *lower_fds, size_t n_lower, lv_error **err)
{
	const img_layer *l = &im->layers[i];
	const char *name = l->digest ? l->digest : l->path;
	_cleanup_close_ int fd = -1;
	if (img_blob_open(src, l->path, l->digest, l->size, &fd, err) < 0)
		return lv_err_wrap(err, "layer %zu", i);
	const char *algo, *hex;
	if (img_digest_split(l->diff_id, &algo, &hex, err) < 0)
		return lv_err_wrap(err, "layer %zu (%s)", i, name);
	img_extract_opts o = {
		.whiteouts = whiteouts,
		.same_owner = geteuid() == 0,
		.compression = l->compression,
		.diff_algo = algo,
		.lower_fds = lower_fds,
		.n_lower = n_lower,
	};
	_cleanup_free_ char *got = NULL;
	if (img_extract(root_fd, fd, &o, &got, err) < 0)
		return lv_err_wrap(err, "layer %zu (%s)", i, name);
	if (strcmp(got, l->diff_id) != 0)
		return lv_err(err, 0, "layer %zu (%s): diff id mismatch: config says %s, "
			      "content hashes to %s", i, name, l->diff_id, got);
	return 0;
}

int img_write_config(int dirfd, const char *name, const spec_config *cfg, lv_error **err)
{
	_cleanup_free_ char *json = NULL, *tmp = NULL;
	size_t len;
	if (spec_config_write(cfg, &json, &len, err) < 0)
		return -1;
	if (asprintf(&tmp, ".%s.tmp", name) < 0)
		return lv_err(err, ENOMEM, "write %s", name);
	_cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
					O_CLOEXEC, 0644);
	if (fd < 0)
		return lv_err(err, errno, "write %s", name);
	if (img_write_all(fd, json, len) < 0 || img_write_all(fd, "\n", 1) < 0 ||
	    fsync(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return lv_err(err, e, "write %s", name);
	}
	return 0;
}

static int unpack_into(const char *ref, const char *platform, const char *bundle,
		       int bundle_fd, const char *tmpname, lv_error **err)
{
	_cleanup_source_ img_source *src = NULL;
	_cleanup_image_ img_image *im = NULL;
	if (img_source_open(ref, bundle, &src, err) < 0 ||
	    img_resolve(src, platform, &im, err) < 0)
		return -1;
	_cleanup_close_ int root_fd = openat(bundle_fd, tmpname, O_PATH | O_DIRECTORY |
					     O_NOFOLLOW | O_CLOEXEC);
	if (root_fd < 0)
		return lv_err(err, errno, "open \"%s/%s\"", bundle, tmpname);
	if (fchmodat(bundle_fd, tmpname, 0755, 0) < 0)
		return lv_err(err, errno, "chmod \"%s/%s\"", bundle, tmpname);
	for (size_t i = 0; i < im->n_layers; i++)
		if (img_apply_layer(src, im, i, root_fd, IMG_WH_APPLY, NULL, 0, err) < 0)
			return -1;
	_cleanup_config_ spec_config *cfg = NULL;
	img_overrides ov = { .rootfs_path = "rootfs" };
	if (img_config_to_spec(im->config, root_fd, &ov, &cfg, err) < 0 ||
	    img_write_config(bundle_fd, "config.json", cfg, err) < 0)
		return -1;
	if (renameat(bundle_fd, tmpname, bundle_fd, "rootfs") < 0) {
		int e = errno;
		unlinkat(bundle_fd, "config.json", 0);
		return lv_err(err, e, "rename rootfs into \"%s\"", bundle);
	}
	return 0;
}

int img_bundle_prepare(const char *bundle, int *fd, bool *created, lv_error **err)
{
	*created = mkdir(bundle, 0755) == 0;
	if (!*created && errno != EEXIST)
		return lv_err(err, errno, "create bundle \"%s\"", bundle);
	_cleanup_close_ int bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return lv_err(err, errno, "open bundle \"%s\"", bundle);
	struct stat st;
	if (fstatat(bfd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return lv_err(err, EEXIST, "bundle \"%s\": rootfs", bundle);
	if (fstatat(bfd, "config.json", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return lv_err(err, EEXIST, "bundle \"%s\": config.json", bundle);
	*fd = steal_fd(bfd);
	return 0;
}

int img_unpack_bundle(const char *ref, const char *platform, const char *bundle,
		      lv_error **err)
{
	_cleanup_close_ int bfd = -1;
	bool created;
	if (img_bundle_prepare(bundle, &bfd, &created, err) < 0)
		return -1;
	/* mkdtemp wants a path; the bundle is the caller's own directory. */
	_cleanup_free_ char *tmpl = NULL;
	if (asprintf(&tmpl, "%s/.rootfs.XXXXXX", bundle) < 0)
		return lv_err(err, ENOMEM, "unpack");
	if (!mkdtemp(tmpl)) {
		lv_err(err, errno, "create a temporary directory in \"%s\"", bundle);
		if (created)
			rmdir(bundle);
		return -1;
	}
	const char *tmpname = tmpl + strlen(bundle) + 1;
	if (unpack_into(ref, platform, bundle, bfd, tmpname, err) < 0) {
		img_remove_tree(bfd, tmpname, NULL);
		if (created)
			rmdir(bundle);
		return lv_err_wrap(err, "unpack \"%s\"", ref);
	}
	return 0;
}
