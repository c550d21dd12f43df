/* Layer extraction: libarchive reads, we write.
 *
 * libarchive's archive_write_disk works on joined path strings, so it is not
 * used: each entry's parent is resolved with openat2(RESOLVE_IN_ROOT) from
 * the target's dirfd and the entry is created with *at() calls on that fd,
 * never following a final symlink.  A hostile `../x`, `/x`, a symlink planted
 * by an earlier entry or layer, or a hardlink to `../../etc/passwd` all
 * resolve inside the root.
 *
 * Two libarchive readers are chained so one pass both decompresses and hashes
 * the uncompressed stream (the layer's diff id) while the tar is parsed. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/internal.h"
#include "src/util/cleanup.h"

#define XBUF (128 * 1024)

typedef struct {
	char *path;
	struct timespec ts[2];
} dir_time;

typedef struct {
	int root_fd;
	const img_extract_opts *o;
	int blob_fd;
	struct archive *outer, *inner;
	EVP_MD_CTX *md;
	char *rbuf;
	void *seen; /* tsearch tree: paths written by this layer (IMG_WH_APPLY) */
	dir_time *dirs;
	size_t n_dirs, cap_dirs;
	lv_error **err;
} xctx;

/* ---- the stream: blob fd -> outer (decompress) -> hash -> inner (tar) ---- */

static la_ssize_t outer_read(struct archive *a, void *data, const void **buf)
{
	xctx *x = data;
	for (;;) {
		ssize_t n = read(x->blob_fd, x->rbuf, XBUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			archive_set_error(a, errno, "read layer");
		*buf = x->rbuf;
		return n;
	}
}

static la_ssize_t inner_read(struct archive *a, void *data, const void **buf)
{
	xctx *x = data;
	const void *blk;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(x->outer, &blk, &size, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(x->outer), "%s",
				  archive_error_string(x->outer));
		return -1;
	}
	if (x->md && EVP_DigestUpdate(x->md, blk, size) != 1) {
		archive_set_error(a, EIO, "hash layer");
		return -1;
	}
	*buf = blk;
	return (la_ssize_t)size;
}

static int la_fail(xctx *x, struct archive *a, const char *what)
{
	const char *s = archive_error_string(a);
	return lv_err(x->err, 0, "%s: %s", what, s ? s : "unknown libarchive error");
}

static int stream_open(xctx *x)
{
	x->outer = archive_read_new();
	x->inner = archive_read_new();
	if (!x->outer || !x->inner)
		return lv_err(x->err, ENOMEM, "libarchive");
	int r = ARCHIVE_OK;
	switch (x->o->compression) {
	case IMG_COMP_GZIP:
		r = archive_read_append_filter(x->outer, ARCHIVE_FILTER_GZIP);
		break;
	case IMG_COMP_ZSTD:
		r = archive_read_append_filter(x->outer, ARCHIVE_FILTER_ZSTD);
		break;
	case IMG_COMP_DETECT:
		r = archive_read_support_filter_all(x->outer);
		break;
	default:
		break;
	}
	if (r != ARCHIVE_OK || archive_read_support_format_raw(x->outer) != ARCHIVE_OK ||
	    archive_read_support_format_tar(x->inner) != ARCHIVE_OK)
		return la_fail(x, x->outer, "set up layer reader");
	if (archive_read_open(x->outer, x, NULL, outer_read, NULL) != ARCHIVE_OK)
		return la_fail(x, x->outer, "read layer");
	struct archive_entry *e;
	if (archive_read_next_header(x->outer, &e) != ARCHIVE_OK)
		return la_fail(x, x->outer, "read layer");
	if (archive_read_open(x->inner, x, NULL, inner_read, NULL) != ARCHIVE_OK)
		return la_fail(x, x->inner, "read layer");
	return 0;
}

/* ---- bookkeeping for whiteouts applied to a merged tree ---- */

static int seen_cmp(const void *a, const void *b) { return strcmp(a, b); }

/* Records path and its ancestors: an opaque whiteout of this layer must not
 * remove what this same layer created, in whatever order entries come. */
static int seen_add(xctx *x, const char *path)
{
	if (x->o->whiteouts != IMG_WH_APPLY)
		return 0;
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return lv_err(x->err, ENOMEM, "extract");
	for (;;) {
		if (!tfind(p, &x->seen, seen_cmp)) {
			char *k = strdup(p);
			if (!k || !tsearch(k, &x->seen, seen_cmp)) {
				free(k);
				return lv_err(x->err, ENOMEM, "extract");
			}
		}
		char *slash = strrchr(p, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
}

static bool seen_has(xctx *x, const char *path)
{
	return tfind(path, &x->seen, seen_cmp) != NULL;
}

/* Removes what lower layers put under dirfd (= `prefix`), keeping this layer's. */
static int opaque_clear(xctx *x, int dir_fd, const char *prefix)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(x->err, errno, "open directory \"%s\"", prefix);
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lv_err(x->err, errno, "read directory \"%s\"", prefix);
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *child = NULL;
		if (asprintf(&child, "%s%s%s", prefix, *prefix ? "/" : "", de->d_name) < 0)
			return lv_err(x->err, ENOMEM, "extract");
		if (!seen_has(x, child)) {
			if (img_remove_tree(dirfd(d), de->d_name, x->err) < 0)
				return -1;
			continue;
		}
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return lv_err(x->err, errno, "stat \"%s\"", child);
		if (!S_ISDIR(st.st_mode))
			continue;
		_cleanup_close_ int cfd = openat(dirfd(d), de->d_name,
						 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return lv_err(x->err, errno, "open directory \"%s\"", child);
		if (opaque_clear(x, cfd, child) < 0)
			return -1;
	}
	if (errno)
		return lv_err(x->err, errno, "read directory \"%s\"", prefix);
	return 0;
}

/* ---- whiteouts ---- */

static bool is_ovl_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static int do_whiteout(xctx *x, const char *target)
{
	_cleanup_free_ char *dir = NULL, *base = NULL;
	if (img_path_split(target, &dir, &base, x->err) < 0)
		return -1;
	_cleanup_close_ int pfd = -1;
	bool create = x->o->whiteouts == IMG_WH_OVERLAY;
	if (img_dir_in_root(x->root_fd, dir, create, &pfd, NULL) < 0)
		return 0; /* nothing there to hide */
	if (strcmp(base, "..") == 0)
		return lv_err(x->err, 0, "invalid whiteout for \"%s\"", target);
	if (x->o->whiteouts == IMG_WH_APPLY) {
		if (seen_has(x, target))
			return 0; /* applies to lower layers only */
		return img_remove_tree(pfd, base, x->err);
	}
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0; /* this layer has it: the whiteout hides lower layers only */
	if (mknodat(pfd, base, S_IFCHR | 0, makedev(0, 0)) < 0)
		return lv_err(x->err, errno, "create whiteout \"%s\"", target);
	return 0;
}

static int do_opaque(xctx *x, const char *dir)
{
	_cleanup_close_ int fd = -1;
	if (img_dir_in_root(x->root_fd, dir, true, &fd, x->err) < 0)
		return -1;
	if (x->o->whiteouts == IMG_WH_APPLY)
		return opaque_clear(x, fd, dir);
	if (img_setxattrat(fd, "", "trusted.overlay.opaque", "y", 1) < 0)
		return lv_err(x->err, errno, "mark \"%s\" opaque", *dir ? dir : "/");
	return 0;
}

/* ---- entries ---- */

static int set_meta(xctx *x, int pfd, const char *base, const char *path,
		    struct archive_entry *e, int fd)
{
	mode_t type = archive_entry_filetype(e);
	if (x->o->same_owner) {
		uid_t uid = (uid_t)archive_entry_uid(e);
		gid_t gid = (gid_t)archive_entry_gid(e);
		int r = fd >= 0 ? fchown(fd, uid, gid)
				: fchownat(pfd, base, uid, gid,
					   AT_SYMLINK_NOFOLLOW | (*base ? 0 : AT_EMPTY_PATH));
		if (r < 0)
			return lv_err(x->err, errno, "chown \"%s\"", path);
	}
	/* After chown, which clears setuid bits. */
	if (type != AE_IFLNK) {
		mode_t mode = archive_entry_perm(e) & 07777;
		int r = fd >= 0 ? fchmod(fd, mode) : img_fchmodat_nofollow(pfd, base, mode);
		if (r < 0)
			return lv_err(x->err, errno, "chmod \"%s\"", path);
	}
	/* After chown too, which drops security.capability. */
	const char *name;
	const void *value;
	size_t size;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		int r = fd >= 0 ? fsetxattr(fd, name, value, size, 0)
				: img_setxattrat(pfd, base, name, value, size);
		if (r < 0)
			return lv_err(x->err, errno, "set xattr \"%s\" on \"%s\"", name, path);
	}
	struct timespec ts[2] = {
		{ archive_entry_atime(e), archive_entry_atime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};
	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	if (type == AE_IFDIR) {
		/* Later entries change a directory's mtime: set it at the end. */
		if (x->n_dirs == x->cap_dirs) {
			size_t cap = x->cap_dirs ? 2 * x->cap_dirs : 64;
			dir_time *d = realloc(x->dirs, cap * sizeof(*d));
			if (!d)
				return lv_err(x->err, ENOMEM, "extract");
			x->dirs = d;
			x->cap_dirs = cap;
		}
		if (!(x->dirs[x->n_dirs].path = strdup(path)))
			return lv_err(x->err, ENOMEM, "extract");
		memcpy(x->dirs[x->n_dirs].ts, ts, sizeof(ts));
		x->n_dirs++;
		return 0;
	}
	int r = fd >= 0 ? futimens(fd, ts) : utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return lv_err(x->err, errno, "set times of \"%s\"", path);
	return 0;
}

static int write_data(xctx *x, int fd, const char *path, struct archive_entry *e)
{
	const void *blk;
	size_t size;
	la_int64_t off;
	int r;
	while ((r = archive_read_data_block(x->inner, &blk, &size, &off)) == ARCHIVE_OK) {
		const char *p = blk;
		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return lv_err(x->err, errno, "write \"%s\"", path);
			p += n;
			off += n;
			size -= (size_t)n;
		}
	}
	if (r != ARCHIVE_EOF)
		return la_fail(x, x->inner, path);
	/* A sparse file may end in a hole. */
	if (ftruncate(fd, archive_entry_size(e)) < 0)
		return lv_err(x->err, errno, "truncate \"%s\"", path);
	return 0;
}

/* Clears the way for a new entry; a directory stays if one is wanted. */
static int make_room(xctx *x, int pfd, const char *base, bool want_dir,
		     bool *was_dir, bool *was_whiteout)
{
	struct stat st;
	*was_dir = *was_whiteout = false;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : lv_err(x->err, errno, "stat \"%s\"", base);
	*was_whiteout = is_ovl_whiteout(&st);
	if (S_ISDIR(st.st_mode) && want_dir) {
		*was_dir = true;
		return 0;
	}
	return img_remove_tree(pfd, base, x->err);
}

static int copy_file(xctx *x, int src, const struct stat *st, int pfd, const char *base,
		     const char *path, const char *target)
{
	_cleanup_close_ int dst = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					 O_CLOEXEC, 0600);
	if (dst < 0)
		return lv_err(x->err, errno, "create \"%s\"", path);
	off_t left = st->st_size;
	while (left > 0) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL, (size_t)left, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lv_err(x->err, n < 0 ? errno : EIO, "copy \"%s\"", target);
		left -= n;
	}
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if ((x->o->same_owner && fchown(dst, st->st_uid, st->st_gid) < 0) ||
	    fchmod(dst, st->st_mode & 07777) < 0 || futimens(dst, ts) < 0)
		return lv_err(x->err, errno, "copy \"%s\" to \"%s\"", target, path);
	return 0;
}

/* A hardlink to a file of an earlier layer, in overlay form: link to that
 * layer's (immutable) inode, so the merged view keeps one file with several
 * names; copy only if the layers are on different file systems. */
static int link_from_lower(xctx *x, int pfd, const char *base, const char *path,
			   const char *tdir, const char *tbase, const char *target)
{
	for (size_t i = 0; i < x->o->n_lower; i++) {
		_cleanup_close_ int dfd = -1;
		struct stat st;
		if (img_dir_in_root(x->o->lower_fds[i], tdir, false, &dfd, NULL) < 0 ||
		    fstatat(dfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (is_ovl_whiteout(&st))
			break; /* deleted above the layers below */
		if (!S_ISREG(st.st_mode))
			return lv_err(x->err, EPERM, "hardlink \"%s\" to \"%s\": not a regular file",
				      path, target);
		if (linkat(dfd, tbase, pfd, base, 0) == 0)
			return 0;
		if (errno != EXDEV)
			return lv_err(x->err, errno, "hardlink \"%s\" to \"%s\"", path, target);
		_cleanup_close_ int src = openat(dfd, tbase, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0)
			return lv_err(x->err, errno, "open \"%s\"", target);
		return copy_file(x, src, &st, pfd, base, path, target);
	}
	return lv_err(x->err, ENOENT, "hardlink \"%s\" to \"%s\"", path, target);
}

static int do_hardlink(xctx *x, int pfd, const char *base, const char *path,
		       const char *link)
{
	_cleanup_free_ char *target = NULL, *tdir = NULL, *tbase = NULL;
	if (img_path_normalise(link, &target, x->err) < 0 ||
	    img_path_split(target, &tdir, &tbase, x->err) < 0)
		return -1;
	if (!*tbase || strcmp(tbase, "..") == 0)
		return lv_err(x->err, 0, "hardlink \"%s\": invalid target \"%s\"", path, link);
	if (strcmp(target, path) == 0)
		return 0;
	_cleanup_close_ int tfd = -1;
	struct stat st;
	bool here = img_dir_in_root(x->root_fd, tdir, false, &tfd, NULL) == 0 &&
		    fstatat(tfd, tbase, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !is_ovl_whiteout(&st);
	bool was_dir, was_wh;
	if (make_room(x, pfd, base, false, &was_dir, &was_wh) < 0)
		return -1;
	if (!here) {
		if (x->o->whiteouts == IMG_WH_OVERLAY)
			return link_from_lower(x, pfd, base, path, tdir, tbase, target);
		return lv_err(x->err, ENOENT, "hardlink \"%s\" to \"%s\"", path, link);
	}
	if (linkat(tfd, tbase, pfd, base, 0) < 0)
		return lv_err(x->err, errno, "hardlink \"%s\" to \"%s\"", path, link);
	return 0;
}

/* In overlay form, this layer may have whited out a directory and then add
 * entries below the same name without a directory entry: the whiteout
 * becomes an opaque directory, as an explicit directory entry would. */
static int unwhiteout_parents(xctx *x, const char *dir)
{
	_cleanup_free_ char *p = strdup(dir);
	if (!p)
		return lv_err(x->err, ENOMEM, "extract");
	for (char *slash = p;; slash++) {
		slash = strchrnul(slash, '/');
		char saved = *slash;
		*slash = '\0';
		_cleanup_free_ char *pdir = NULL, *base = NULL;
		_cleanup_close_ int pfd = -1;
		struct stat st;
		if (img_path_split(p, &pdir, &base, x->err) < 0)
			return -1;
		if (img_dir_in_root(x->root_fd, pdir, false, &pfd, NULL) == 0 &&
		    fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_ovl_whiteout(&st)) {
			if (unlinkat(pfd, base, 0) < 0 || mkdirat(pfd, base, 0755) < 0 ||
			    img_setxattrat(pfd, base, "trusted.overlay.opaque", "y", 1) < 0)
				return lv_err(x->err, errno, "replace whiteout \"%s\"", p);
		}
		*slash = saved;
		if (!saved)
			return 0;
	}
}

static int parent_dir(xctx *x, const char *dir, int *pfd)
{
	if (img_dir_in_root(x->root_fd, dir, true, pfd, NULL) == 0)
		return 0;
	if (errno == ENOTDIR && x->o->whiteouts == IMG_WH_OVERLAY && *dir &&
	    unwhiteout_parents(x, dir) < 0)
		return -1;
	return img_dir_in_root(x->root_fd, dir, true, pfd, x->err);
}

static int do_entry(xctx *x, struct archive_entry *e, const char *path)
{
	mode_t type = archive_entry_filetype(e);
	if (!*path) {
		/* The root itself ("./"): only its metadata. */
		if (type != AE_IFDIR)
			return lv_err(x->err, 0, "archive entry for the root is not a directory");
		return set_meta(x, x->root_fd, "", "", e, -1) < 0 ? -1 : 0;
	}
	_cleanup_free_ char *dir = NULL, *base = NULL;
	if (img_path_split(path, &dir, &base, x->err) < 0)
		return -1;
	if (strcmp(base, "..") == 0)
		return lv_err(x->err, 0, "refusing archive entry \"%s\"", path);
	_cleanup_close_ int pfd = -1;
	if (parent_dir(x, dir, &pfd) < 0)
		return lv_err_wrap(x->err, "extract \"%s\"", path);
	if (seen_add(x, path) < 0)
		return -1;

	const char *link = archive_entry_hardlink(e);
	if (link)
		return do_hardlink(x, pfd, base, path, link);

	bool was_dir, was_wh;
	if (make_room(x, pfd, base, type == AE_IFDIR, &was_dir, &was_wh) < 0)
		return -1;
	switch (type) {
	case AE_IFDIR:
		if (!was_dir && mkdirat(pfd, base, 0700) < 0)
			return lv_err(x->err, errno, "create directory \"%s\"", path);
		if (was_wh && x->o->whiteouts == IMG_WH_OVERLAY &&
		    img_setxattrat(pfd, base, "trusted.overlay.opaque", "y", 1) < 0)
			return lv_err(x->err, errno, "mark \"%s\" opaque", path);
		return set_meta(x, pfd, base, path, e, -1);
	case AE_IFREG: {
		_cleanup_close_ int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL |
						O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return lv_err(x->err, errno, "create \"%s\"", path);
		if (write_data(x, fd, path, e) < 0)
			return -1;
		return set_meta(x, pfd, base, path, e, fd);
	}
	case AE_IFLNK: {
		const char *t = archive_entry_symlink(e);
		if (!t || symlinkat(t, pfd, base) < 0)
			return lv_err(x->err, t ? errno : EINVAL, "create symlink \"%s\"", path);
		return set_meta(x, pfd, base, path, e, -1);
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO: {
		dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
		if (mknodat(pfd, base, type | 0600, type == AE_IFIFO ? 0 : dev) < 0)
			return lv_err(x->err, errno, "create node \"%s\"", path);
		return set_meta(x, pfd, base, path, e, -1);
	}
	default:
		return lv_err(x->err, 0, "archive entry \"%s\": unsupported file type 0%o",
			      path, (unsigned)type);
	}
}

static int dispatch(xctx *x, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e);
	if (!raw)
		return lv_err(x->err, 0, "archive entry without a path");
	_cleanup_free_ char *path = NULL, *target = NULL;
	if (img_path_normalise(raw, &path, x->err) < 0)
		return -1;
	if (x->o->whiteouts != IMG_WH_NONE) {
		int k = img_whiteout_classify(path, &target, x->err);
		if (k < 0)
			return -1;
		if (k == IMG_ENTRY_WHITEOUT)
			return do_whiteout(x, target);
		if (k == IMG_ENTRY_OPAQUE)
			return do_opaque(x, target);
	}
	return do_entry(x, e, path);
}

static int apply_dir_times(xctx *x)
{
	for (size_t i = x->n_dirs; i-- > 0;) {
		dir_time *d = &x->dirs[i];
		_cleanup_close_ int fd = -1;
		/* Gone again (whiteout later in the layer) is fine. */
		if (img_dir_in_root(x->root_fd, d->path, false, &fd, NULL) < 0)
			continue;
		if (utimensat(fd, "", d->ts, AT_EMPTY_PATH) < 0)
			return lv_err(x->err, errno, "set times of \"%s\"", *d->path ? d->path : "/");
	}
	return 0;
}

static int run(xctx *x, char **diff_id)
{
	if (x->o->diff_algo) {
		const EVP_MD *md = EVP_get_digestbyname(x->o->diff_algo);
		if (!md || !(x->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(x->md, md, NULL) != 1)
			return lv_err(x->err, 0, "digest %s: unavailable", x->o->diff_algo);
	}
	if (!(x->rbuf = malloc(XBUF)))
		return lv_err(x->err, ENOMEM, "extract");
	if (stream_open(x) < 0)
		return -1;
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(x->inner, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
		if (dispatch(x, e) < 0)
			return -1;
	if (r != ARCHIVE_EOF)
		return la_fail(x, x->inner, "read layer");
	/* The tar reader stops at its end marker; the diff id covers every byte. */
	const void *buf;
	la_ssize_t n;
	while ((n = inner_read(x->inner, x, &buf)) > 0)
		;
	if (n < 0)
		return la_fail(x, x->outer, "read layer");
	if (apply_dir_times(x) < 0)
		return -1;
	if (x->md && diff_id)
		return img_md_final(x->md, x->o->diff_algo, diff_id, x->err);
	return 0;
}

int img_extract(int root_fd, int blob_fd, const img_extract_opts *o,
		char **diff_id, lv_error **err)
{
	xctx x = { .root_fd = root_fd, .o = o, .blob_fd = blob_fd, .err = err };
	int r = run(&x, diff_id);
	if (x.inner)
		archive_read_free(x.inner);
	if (x.outer)
		archive_read_free(x.outer);
	EVP_MD_CTX_free(x.md);
	free(x.rbuf);
	tdestroy(x.seen, free);
	for (size_t i = 0; i < x.n_dirs; i++)
		free(x.dirs[i].path);
	free(x.dirs);
	return r;
}
