/* Image sources: an OCI layout directory, or an oci-archive / docker-archive
 * tarball unpacked (confined, no whiteouts) into a private temporary
 * directory and then read like a directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/internal.h"
#include "src/util/cleanup.h"

enum { SRC_ANY, SRC_OCI, SRC_DOCKER };

struct img_source {
	int kind;
	int root_fd;
	char *tmpdir; /* our own temporary directory, removed on free */
	char *name;   /* requested reference name, NULL: the only image */
	char *ref;    /* for messages */
};

int img_source_root_fd(const img_source *s) { return s->root_fd; }
const char *img_source_name(const img_source *s) { return s->name; }
bool img_source_is_docker(const img_source *s) { return s->kind == SRC_DOCKER; }

void img_source_free(img_source *s)
{
	if (!s)
		return;
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->tmpdir)
		img_remove_tree(AT_FDCWD, s->tmpdir, NULL);
	free(s->tmpdir);
	free(s->name);
	free(s->ref);
	free(s);
}

/* "PATH" if it exists, else "PATH:NAME" with the longest existing PATH
 * (a docker tag has colons of its own: "x.tar:bb:latest"). */
static int split_ref(const char *rest, char **path, char **name, lv_error **err)
{
	struct stat st;
	*name = NULL;
	if (stat(rest, &st) == 0 || !strchr(rest, ':')) {
		*path = strdup(rest);
		return *path ? 0 : lv_err(err, ENOMEM, "image reference");
	}
	const char *colon = strrchr(rest, ':');
	for (const char *c = colon; c; ) {
		_cleanup_free_ char *p = strndup(rest, (size_t)(c - rest));
		if (!p)
			return lv_err(err, ENOMEM, "image reference");
		if (stat(p, &st) == 0) {
			colon = c;
			break;
		}
		const char *prev = NULL;
		for (const char *q = rest; q < c; q++)
			if (*q == ':')
				prev = q;
		c = prev;
	}
	*path = strndup(rest, (size_t)(colon - rest));
	*name = strdup(colon + 1);
	if (!*path || !*name)
		return lv_err(err, ENOMEM, "image reference");
	return 0;
}

static int unpack_archive(img_source *s, const char *file, const char *tmp_parent,
			  lv_error **err)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open \"%s\"", file);
	_cleanup_free_ char *tmpl = NULL;
	if (asprintf(&tmpl, "%s/.lieve-image.XXXXXX", tmp_parent ? tmp_parent : "/tmp") < 0)
		return lv_err(err, ENOMEM, "archive");
	if (!mkdtemp(tmpl))
		return lv_err(err, errno, "create a temporary directory in \"%s\"",
			      tmp_parent ? tmp_parent : "/tmp");
	s->tmpdir = steal_ptr(tmpl);
	s->root_fd = open(s->tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0)
		return lv_err(err, errno, "open \"%s\"", s->tmpdir);
	img_extract_opts o = { .whiteouts = IMG_WH_NONE, .compression = IMG_COMP_DETECT };
	if (img_extract(s->root_fd, fd, &o, NULL, err) < 0)
		return lv_err_wrap(err, "unpack archive \"%s\"", file);
	return 0;
}

static bool has_file(int root_fd, const char *name)
{
	struct stat st;
	return fstatat(root_fd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
}

int img_source_open(const char *ref, const char *tmp_parent, img_source **out,
		    lv_error **err)
{
	_cleanup_source_ img_source *s = calloc(1, sizeof(*s));
	if (!s || !(s->ref = strdup(ref))) {
		free(s);
		return lv_err(err, ENOMEM, "image \"%s\"", ref);
	}
	s->root_fd = -1;
	int want = SRC_ANY;
	bool archive = false;
	const char *rest = ref;
	if (strncmp(ref, "oci:", 4) == 0) {
		want = SRC_OCI;
		rest += 4;
	} else if (strncmp(ref, "oci-archive:", 12) == 0) {
		want = SRC_OCI;
		archive = true;
		rest += 12;
	} else if (strncmp(ref, "docker-archive:", 15) == 0) {
		want = SRC_DOCKER;
		archive = true;
		rest += 15;
	}
	_cleanup_free_ char *path = NULL;
	if (split_ref(rest, &path, &s->name, err) < 0)
		return -1;
	if (rest != ref && access(path, F_OK) < 0 && access(ref, F_OK) == 0) {
		/* "oci:x" naming a directory called "oci:x", not a transport. */
		free(path);
		free(s->name);
		want = SRC_ANY;
		archive = false;
		if (split_ref(ref, &path, &s->name, err) < 0)
			return -1;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return lv_err(err, errno, "image \"%s\"", path);
	if (S_ISDIR(st.st_mode) && !archive) {
		s->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (s->root_fd < 0)
			return lv_err(err, errno, "open \"%s\"", path);
	} else if (S_ISREG(st.st_mode)) {
		if (unpack_archive(s, path, tmp_parent, err) < 0)
			return lv_err_wrap(err, "image \"%s\"", ref);
	} else {
		return lv_err(err, 0, "image \"%s\": not a directory or an archive", path);
	}
	if (has_file(s->root_fd, "oci-layout") && has_file(s->root_fd, "index.json") &&
	    want != SRC_DOCKER)
		s->kind = SRC_OCI;
	else if (has_file(s->root_fd, "manifest.json") && want != SRC_OCI)
		s->kind = SRC_DOCKER;
	else
		return lv_err(err, 0, "image \"%s\": not an OCI image layout (no oci-layout "
			      "and index.json)%s", ref,
			      want == SRC_OCI ? "" : " nor a docker archive (no manifest.json)");
	*out = steal_ptr(s);
	return 0;
}

/* ---- platforms ---- */

void img_platform_clear(img_platform *p)
{
	free(p->os);
	free(p->architecture);
	free(p->variant);
	free(p->os_version);
	memset(p, 0, sizeof(*p));
}

int img_platform_parse(const char *s, img_platform *out, lv_error **err)
{
	memset(out, 0, sizeof(*out));
	const char *a = strchr(s, '/');
	const char *v = a ? strchr(a + 1, '/') : NULL;
	if (!a || a == s || !a[1] || a[1] == '/' || (v && (!v[1] || strchr(v + 1, '/'))))
		return lv_err(err, 0, "invalid platform \"%s\": expected os/arch[/variant]", s);
	out->os = strndup(s, (size_t)(a - s));
	out->architecture = v ? strndup(a + 1, (size_t)(v - a - 1)) : strdup(a + 1);
	out->variant = v ? strdup(v + 1) : NULL;
	if (!out->os || !out->architecture || (v && !out->variant)) {
		img_platform_clear(out);
		return lv_err(err, ENOMEM, "platform");
	}
	return 0;
}

int img_platform_host(img_platform *out, lv_error **err)
{
	/* GOARCH names, as the image-spec uses them. */
	static const struct { const char *machine, *arch, *variant; } map[] = {
		{ "x86_64", "amd64", NULL },   { "aarch64", "arm64", "v8" },
		{ "armv7l", "arm", "v7" },     { "armv6l", "arm", "v6" },
		{ "i686", "386", NULL },       { "i386", "386", NULL },
		{ "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
		{ "riscv64", "riscv64", NULL }, { "loongarch64", "loong64", NULL },
	};
	const char *machine =
#if defined(__x86_64__)
		"x86_64";
#elif defined(__aarch64__)
		"aarch64";
#elif defined(__arm__)
		"armv7l";
#elif defined(__i386__)
		"i686";
#elif defined(__powerpc64__)
		"ppc64le";
#elif defined(__s390x__)
		"s390x";
#elif defined(__riscv)
		"riscv64";
#else
		"unknown";
#endif
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].machine, machine) != 0)
			continue;
		char buf[64];
		snprintf(buf, sizeof(buf), "linux/%s%s%s", map[i].arch,
			 map[i].variant ? "/" : "", map[i].variant ? map[i].variant : "");
		return img_platform_parse(buf, out, err);
	}
	return lv_err(err, 0, "unknown machine architecture %s: use --platform", machine);
}

bool img_platform_match(const img_platform *want, const img_platform *have)
{
	if (!have->os || !have->architecture || strcmp(want->os, have->os) != 0 ||
	    strcmp(want->architecture, have->architecture) != 0)
		return false;
	if (want->variant && have->variant)
		return strcmp(want->variant, have->variant) == 0;
	return true;
}

/* ---- images ---- */

void img_image_free(img_image *im)
{
	if (!im)
		return;
	img_config_free(im->config);
	free(im->config_digest);
	for (size_t i = 0; i < im->n_layers; i++) {
		free(im->layers[i].media_type);
		free(im->layers[i].digest);
		free(im->layers[i].path);
		free(im->layers[i].diff_id);
	}
	free(im->layers);
	free(im);
}

int img_layer_compression(const char *mt, int *comp, lv_error **err)
{
	static const struct { const char *mt; int comp; } known[] = {
		{ "application/vnd.oci.image.layer.v1.tar", IMG_COMP_NONE },
		{ "application/vnd.oci.image.layer.v1.tar+gzip", IMG_COMP_GZIP },
		{ "application/vnd.oci.image.layer.v1.tar+zstd", IMG_COMP_ZSTD },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar", IMG_COMP_NONE },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMG_COMP_GZIP },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMG_COMP_ZSTD },
		{ "application/vnd.docker.image.rootfs.diff.tar", IMG_COMP_NONE },
		{ "application/vnd.docker.image.rootfs.diff.tar.gzip", IMG_COMP_GZIP },
		{ "application/vnd.docker.image.rootfs.diff.tar.zstd", IMG_COMP_ZSTD },
		{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMG_COMP_GZIP },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(known[i].mt, mt) == 0) {
			*comp = known[i].comp;
			return 0;
		}
	}
	return lv_err(err, 0, "unsupported layer media type \"%s\"", mt);
}
