/* The layer store: each layer extracted once, in overlayfs' whiteout form,
 * under STORE/layers/ALGO/HEX (its verified diff id).  Extraction happens in
 * a temporary directory under the store lock and is renamed into place, so a
 * concurrent `lieve` either sees a complete layer or none. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/unpack.h"
#include "src/util/cleanup.h"

static int mkdir_p(const char *path, mode_t mode, lv_error **err)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return lv_err(err, errno, "create \"%s\"", path);
	_cleanup_free_ char *parent = strdup(path);
	if (!parent)
		return lv_err(err, ENOMEM, "create \"%s\"", path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return lv_err(err, ENOENT, "create \"%s\"", path);
	*slash = '\0';
	if (mkdir_p(parent, 0755, err) < 0)
		return -1;
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return lv_err(err, errno, "create \"%s\"", path);
	return 0;
}

int img_store_open(const char *path, img_store *st, lv_error **err)
{
	st->fd = -1;
	st->path = NULL;
	if (mkdir_p(path, 0700, err) < 0)
		return lv_err_wrap(err, "layer store");
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "layer store \"%s\"", path);
	static const char *const dirs[] = { "layers", "layers/sha256", "layers/sha512",
					    "containers" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdirat(fd, dirs[i], 0700) < 0 && errno != EEXIST)
			return lv_err(err, errno, "layer store \"%s\": create %s", path, dirs[i]);
	if (!(st->path = strdup(path)))
		return lv_err(err, ENOMEM, "layer store");
	st->fd = steal_fd(fd);
	return 0;
}

void img_store_close(img_store *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	free(st->path);
	st->path = NULL;
}

static int store_lock(img_store *st, int *lock_fd, lv_error **err)
{
	int fd = openat(st->fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return lv_err(err, errno, "layer store \"%s\": lock", st->path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return lv_err(err, e, "layer store \"%s\": lock", st->path);
		}
	}
	*lock_fd = fd;
	return 0;
}

/* A counter of extractions, so tests can tell a reused layer from a new one. */
static void count_extraction(img_store *st)
{
	unsigned long n = 0;
	_cleanup_close_ int fd = openat(st->fd, "extractions", O_RDWR | O_CREAT | O_CLOEXEC |
					O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	char buf[32] = "";
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		n = strtoul(buf, NULL, 10);
	int len = snprintf(buf, sizeof(buf), "%lu\n", n + 1);
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, buf, (size_t)len, 0);
}

static int layer_name(const char *diff_id, char **name, lv_error **err)
{
	const char *algo, *hex;
	if (img_digest_split(diff_id, &algo, &hex, err) < 0)
		return -1;
	if (asprintf(name, "layers/%s/%s", algo, hex) < 0)
		return lv_err(err, ENOMEM, "layer store");
	return 0;
}

static int extract_layer(img_store *st, img_source *src, const img_image *im, size_t i,
			 const int *fds, const char *name, lv_error **err)
{
	_cleanup_free_ char *tmpl = NULL;
	if (asprintf(&tmpl, "%s/layers/.tmp-XXXXXX", st->path) < 0)
		return lv_err(err, ENOMEM, "layer store");
	if (!mkdtemp(tmpl))
		return lv_err(err, errno, "layer store \"%s\": temporary directory", st->path);
	const char *tmpname = tmpl + strlen(st->path) + 1;
	int r = -1;
	_cleanup_close_ int tfd = openat(st->fd, tmpname, O_PATH | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	/* Lower layers for hardlinks into earlier layers: topmost first. */
	_cleanup_free_ int *lowers = calloc(i + 1, sizeof(int));
	if (tfd < 0 || !lowers) {
		lv_err(err, tfd < 0 ? errno : ENOMEM, "layer store: open %s", tmpname);
		goto out;
	}
	for (size_t k = 0; k < i; k++)
		lowers[k] = fds[i - 1 - k];
	if (fchmodat(st->fd, tmpname, 0755, 0) < 0) {
		lv_err(err, errno, "layer store: chmod %s", tmpname);
		goto out;
	}
	if (img_apply_layer(src, im, i, tfd, IMG_WH_OVERLAY, lowers, i, err) < 0)
		goto out;
	if (renameat(st->fd, tmpname, st->fd, name) < 0) {
		lv_err(err, errno, "layer store: rename into %s", name);
		goto out;
	}
	count_extraction(st);
	r = 0;
out:
	if (r < 0)
		img_remove_tree(st->fd, tmpname, NULL);
	return r;
}

/* Extraction only happens under the lock: a temporary directory found while
 * holding it was left by a lieve that died mid-extraction. */
static void remove_stale(img_store *st)
{
	int fd = openat(st->fd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, ".tmp-", 5) == 0)
			img_remove_tree(dirfd(d), de->d_name, NULL);
}

int img_store_layers(img_store *st, img_source *src, const img_image *im, int **out,
		     lv_error **err)
{
	int *fds = calloc(im->n_layers + 1, sizeof(int));
	if (!fds)
		return lv_err(err, ENOMEM, "layer store");
	for (size_t i = 0; i <= im->n_layers; i++)
		fds[i] = -1;
	_cleanup_close_ int lock_fd = -1;
	for (size_t i = 0; i < im->n_layers; i++) {
		_cleanup_free_ char *name = NULL;
		if (layer_name(im->layers[i].diff_id, &name, err) < 0)
			goto fail;
		fds[i] = openat(st->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fds[i] >= 0)
			continue;
		if (errno != ENOENT) {
			lv_err(err, errno, "layer store: open %s", name);
			goto fail;
		}
		/* Only extraction takes the lock; then look again: another
		 * lieve may have added the layer meanwhile. */
		if (lock_fd < 0) {
			if (store_lock(st, &lock_fd, err) < 0)
				goto fail;
			remove_stale(st);
		}
		fds[i] = openat(st->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fds[i] >= 0)
			continue;
		if (extract_layer(st, src, im, i, fds, name, err) < 0)
			goto fail;
		fds[i] = openat(st->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fds[i] < 0) {
			lv_err(err, errno, "layer store: open %s", name);
			goto fail;
		}
	}
	*out = fds;
	return 0;
fail:
	for (size_t i = 0; i < im->n_layers; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return -1;
}

static int fs_error(int fsfd, int e, const char *target, lv_error **err)
{
	/* The kernel explains fsconfig failures on the context fd. */
	char msg[256];
	ssize_t n = read(fsfd, msg, sizeof(msg) - 1);
	if (n > 0) {
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return lv_err(err, e, "mount overlay on \"%s\" (%s)", target, msg);
	}
	return lv_err(err, e, "mount overlay on \"%s\"", target);
}

int img_overlay_mount(const int *layer_fds, size_t n, int upper_fd, int work_fd,
		      const char *target, lv_error **err)
{
	if (n == 0)
		return lv_err(err, 0, "mount overlay on \"%s\": the image has no layers", target);
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return lv_err(err, errno, "mount overlay on \"%s\": fsopen", target);
	/* lowerdir+ stacks downwards: the topmost layer comes first. */
	for (size_t i = n; i-- > 0;)
		if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FD, "lowerdir+", NULL, layer_fds[i]) < 0)
			return fs_error(fsfd, errno, target, err);
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FD, "upperdir", NULL, upper_fd) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FD, "workdir", NULL, work_fd) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, errno, target, err);
	_cleanup_close_ int mfd = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return fs_error(fsfd, errno, target, err);
	_cleanup_close_ int tfd = open(target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tfd < 0)
		return lv_err(err, errno, "mount overlay on \"%s\"", target);
	if (syscall(SYS_move_mount, mfd, "", tfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return lv_err(err, errno, "mount overlay on \"%s\": move_mount", target);
	return 0;
}

int img_store_mount_image(img_store *st, img_source *src, const img_image *im,
			  int dir_fd, const char *dir, lv_error **err)
{
	int *fds = NULL;
	if (img_store_layers(st, src, im, &fds, err) < 0)
		return -1;
	int r = -1;
	_cleanup_free_ char *target = NULL;
	_cleanup_close_ int upper = -1, work = -1;
	static const char *const parts[] = { ".overlay", ".overlay/upper", ".overlay/work",
					     "rootfs" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (mkdirat(dir_fd, parts[i], i == 3 ? 0755 : 0700) < 0 && errno != EEXIST) {
			lv_err(err, errno, "create \"%s/%s\"", dir, parts[i]);
			goto out;
		}
	}
	upper = openat(dir_fd, ".overlay/upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	work = openat(dir_fd, ".overlay/work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0 || work < 0 || asprintf(&target, "%s/rootfs", dir) < 0) {
		lv_err(err, errno, "open \"%s/.overlay\"", dir);
		goto out;
	}
	/* The merged root takes the upper dir's attributes: give it the
	 * image's (the topmost layer root's), not our private 0700. */
	struct stat top;
	if (im->n_layers && fstat(fds[im->n_layers - 1], &top) == 0 && S_ISDIR(top.st_mode)) {
		_cleanup_close_ int u = openat(upper, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (u < 0 || fchown(u, top.st_uid, top.st_gid) < 0 ||
		    fchmod(u, top.st_mode & 07777) < 0) {
			lv_err(err, errno, "set up \"%s/.overlay/upper\"", dir);
			goto out;
		}
	}
	r = img_overlay_mount(fds, im->n_layers, upper, work, target, err);
out:
	for (size_t i = 0; i < im->n_layers; i++)
		close(fds[i]);
	free(fds);
	return r;
}

int img_unpack_bundle_store(const char *ref, const char *platform, const char *store,
			    const char *bundle, lv_error **err)
{
	_cleanup_close_ int bfd = -1;
	bool created;
	if (img_bundle_prepare(bundle, &bfd, &created, err) < 0)
		return -1;
	_cleanup_source_ img_source *src = NULL;
	_cleanup_image_ img_image *im = NULL;
	img_store st = { -1, NULL };
	_cleanup_config_ spec_config *cfg = NULL;
	_cleanup_close_ int root_fd = -1;
	bool mounted = false;
	if (img_source_open(ref, bundle, &src, err) < 0 ||
	    img_resolve(src, platform, &im, err) < 0 || img_store_open(store, &st, err) < 0)
		goto fail;
	if (img_store_mount_image(&st, src, im, bfd, bundle, err) < 0)
		goto fail;
	mounted = true;
	root_fd = openat(bfd, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	img_overrides ov = { .rootfs_path = "rootfs" };
	if (root_fd < 0) {
		lv_err(err, errno, "open \"%s/rootfs\"", bundle);
		goto fail;
	}
	if (img_config_to_spec(im->config, root_fd, &ov, &cfg, err) < 0 ||
	    img_write_config(bfd, "config.json", cfg, err) < 0)
		goto fail;
	img_store_close(&st);
	return 0;
fail:
	img_store_close(&st);
	if (mounted) {
		_cleanup_free_ char *target = NULL;
		if (asprintf(&target, "%s/rootfs", bundle) >= 0)
			umount2(target, MNT_DETACH);
	}
	unlinkat(bfd, "rootfs", AT_REMOVEDIR);
	img_remove_tree(bfd, ".overlay", NULL);
	if (created)
		rmdir(bundle);
	return lv_err_wrap(err, "unpack \"%s\"", ref);
}
