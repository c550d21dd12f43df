/* The whiteout logic of the extractor, on layers built in memory. */
#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "src/image/image.h"

typedef struct {
	const char *path;
	char type; /* f, d, l (symlink), h (hardlink) */
	const char *data; /* contents, or link target */
} ent;

/* A tar layer in a memfd, positioned at 0. */
static int layer(const ent *es, size_t n)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);
	cr_assert_geq(fd, 0);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	cr_assert_eq(archive_write_open_fd(a, fd), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, es[i].path);
		archive_entry_set_mtime(e, 1700000000, 0);
		switch (es[i].type) {
		case 'd':
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case 'l':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, es[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, es[i].data);
			break;
		default:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, es[i].data ? (la_int64_t)strlen(es[i].data) : 0);
		}
		cr_assert_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (es[i].type == 'f' && es[i].data)
			archive_write_data(a, es[i].data, strlen(es[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static char root[64];
static int root_fd = -1;

static void setup(void)
{
	strcpy(root, "/tmp/lieve-unit-extract.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void teardown(void)
{
	img_remove_tree(AT_FDCWD, root, NULL);
	close(root_fd);
}

static void apply(const ent *es, size_t n, int mode)
{
	int fd = layer(es, n);
	img_extract_opts o = { .whiteouts = mode, .compression = IMG_COMP_NONE,
			       .diff_algo = "sha256" };
	char *diff = NULL;
	lv_error *err = NULL;
	int r = img_extract(root_fd, fd, &o, &diff, &err);
	cr_assert_eq(r, 0, "%s", err ? err->msg : "");
	cr_assert(strncmp(diff, "sha256:", 7) == 0 && strlen(diff) == 71);
	free(diff);
	close(fd);
}

static bool exists(const char *p)
{
	struct stat st;
	return fstatat(root_fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static const ent base[] = {
	{ "a", 'd', NULL },     { "a/old1", 'f', "1" }, { "a/sub", 'd', NULL },
	{ "a/sub/old2", 'f', "2" }, { "b", 'f', "b" }, { "c", 'd', NULL },
	{ "c/x", 'f', "x" },
};
#define N(x) (sizeof(x) / sizeof((x)[0]))

TestSuite(extract, .init = setup, .fini = teardown);

Test(extract, opaque_after_entries_of_the_same_layer)
{
	apply(base, N(base), IMG_WH_APPLY);
	static const ent l2[] = {
		{ "a/sub/new", 'f', "new" },
		{ "a/.wh..wh..opq", 'f', NULL },
		{ "a/late", 'f', "late" },
	};
	apply(l2, N(l2), IMG_WH_APPLY);
	cr_assert_not(exists("a/old1"));
	cr_assert_not(exists("a/sub/old2"), "lower content of a kept subdir is hidden too");
	cr_assert(exists("a/sub/new"));
	cr_assert(exists("a/late"));
}

Test(extract, whiteouts_apply_to_lower_layers_only)
{
	apply(base, N(base), IMG_WH_APPLY);
	static const ent l2[] = {
		{ "b", 'f', "again" }, /* re-created before its whiteout: stays */
		{ ".wh.b", 'f', NULL },
		{ ".wh.c", 'f', NULL }, /* a whole directory */
		{ "c", 'd', NULL },     /* created after: a fresh, empty c */
		{ ".wh.nothing", 'f', NULL },
	};
	apply(l2, N(l2), IMG_WH_APPLY);
	cr_assert(exists("b"));
	cr_assert(exists("c"));
	cr_assert_not(exists("c/x"));
	cr_assert_not(exists(".wh.b"));
}

Test(extract, hardlink_to_an_earlier_layer)
{
	apply(base, N(base), IMG_WH_APPLY);
	static const ent l2[] = { { "hl", 'h', "a/old1" } };
	apply(l2, N(l2), IMG_WH_APPLY);
	struct stat s1, s2;
	cr_assert_eq(fstatat(root_fd, "hl", &s1, 0), 0);
	cr_assert_eq(fstatat(root_fd, "a/old1", &s2, 0), 0);
	cr_assert_eq(s1.st_ino, s2.st_ino);
}

Test(extract, type_changes)
{
	apply(base, N(base), IMG_WH_APPLY);
	static const ent l2[] = { { "a", 'f', "now a file" }, { "b", 'd', NULL },
				  { "b/in", 'l', "../a" } };
	apply(l2, N(l2), IMG_WH_APPLY);
	struct stat st;
	cr_assert_eq(fstatat(root_fd, "a", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(fstatat(root_fd, "b/in", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISLNK(st.st_mode));
}

Test(extract, plain_mode_keeps_whiteout_names)
{
	static const ent l[] = { { ".wh.x", 'f', "" }, { "d/.wh..wh..opq", 'f', "" } };
	apply(l, N(l), IMG_WH_NONE);
	cr_assert(exists(".wh.x"));
	cr_assert(exists("d/.wh..wh..opq"));
}

Test(extract, overlay_form)
{
	static const ent l[] = {
		{ "d", 'd', NULL }, { "d/.wh..wh..opq", 'f', NULL }, { "d/keep", 'f', "k" },
		{ ".wh.gone", 'f', NULL }, { "e/.wh.f", 'f', NULL },
		{ "x", 'f', "x" }, { ".wh.x", 'f', NULL }, /* same layer: no whiteout */
		{ ".wh.w", 'f', NULL }, { "w/in", 'f', "in" }, /* implicit dir over a whiteout */
	};
	apply(l, N(l), IMG_WH_OVERLAY);
	struct stat st;
	cr_assert_eq(fstatat(root_fd, "gone", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	cr_assert_eq(fstatat(root_fd, "e/f", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISCHR(st.st_mode));
	cr_assert_eq(fstatat(root_fd, "x", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISREG(st.st_mode));
	char path[128], v[4] = "";
	snprintf(path, sizeof(path), "%s/d", root);
	cr_assert_eq(getxattr(path, "trusted.overlay.opaque", v, sizeof(v)), 1);
	cr_assert_eq(v[0], 'y');
	cr_assert(exists("d/keep"));
	cr_assert_not(exists(".wh.gone"));
	snprintf(path, sizeof(path), "%s/w", root);
	cr_assert_eq(getxattr(path, "trusted.overlay.opaque", v, sizeof(v)), 1);
	cr_assert(exists("w/in"));
}
