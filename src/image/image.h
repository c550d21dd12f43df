/* OCI images: sources (layout dir, oci-archive, docker-archive), verified
 * blobs, layer extraction confined to a root by file descriptors, the
 * overlayfs layer store, and bundle generation (image-spec conversion.md).
 *
 * Nothing here joins untrusted path strings: every path inside an image or a
 * rootfs is resolved with openat2(RESOLVE_IN_ROOT) from a directory fd.
 */
#ifndef LIEVE_IMAGE_H
#define LIEVE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/error.h"
#include "spec/config.h"
#include "spec/image/image.h"

/* ---- sources ---- */

typedef struct img_source img_source;

/* Opens an image reference:
 *   DIR[:NAME]                    an OCI image layout directory
 *   oci:DIR[:NAME]                the same, skopeo's spelling
 *   oci-archive:FILE[:NAME]       a tarball of an OCI layout
 *   docker-archive:FILE[:NAME]    `docker save` output (NAME: a RepoTag)
 *   FILE[:NAME]                   an archive, its kind detected
 * NAME selects by org.opencontainers.image.ref.name (default: the only
 * image).  Archives are unpacked into a temporary directory under `tmp_parent`
 * (removed by img_source_free). */
int img_source_open(const char *ref, const char *tmp_parent, img_source **out,
		    lv_error **err);
void img_source_free(img_source *s);
static inline void img_source_freep(img_source **s) { img_source_free(*s); }
#define _cleanup_source_ __attribute__((cleanup(img_source_freep)))

enum img_compression { IMG_COMP_NONE, IMG_COMP_GZIP, IMG_COMP_ZSTD, IMG_COMP_DETECT };

typedef struct {
	char *media_type;
	char *digest;     /* blob digest to verify; NULL when only the diff id is known */
	int64_t size;     /* -1 when unknown */
	char *path;       /* path inside the source */
	char *diff_id;    /* from the config's rootfs.diff_ids */
	int compression;  /* enum img_compression */
} img_layer;

typedef struct {
	img_config *config;
	char *config_digest;
	img_layer *layers;
	size_t n_layers;
} img_image;

void img_image_free(img_image *im);
static inline void img_image_freep(img_image **im) { img_image_free(*im); }
#define _cleanup_image_ __attribute__((cleanup(img_image_freep)))

/* `platform` is "os/arch[/variant]", or NULL for this machine. */
int img_platform_parse(const char *s, img_platform *out, lv_error **err);
int img_platform_host(img_platform *out, lv_error **err);
void img_platform_clear(img_platform *p);
/* Matching rule for index entries: os and architecture equal; the variant
 * must equal when both sides name one (arm64's "v8" is the default). */
bool img_platform_match(const img_platform *want, const img_platform *have);

/* Resolves the selected image: index → (platform) → manifest → config, every
 * blob verified against its descriptor before it is parsed. */
int img_resolve(img_source *src, const char *platform, img_image **out,
		lv_error **err);

/* The media type's compression; unknown media types are an error. */
int img_layer_compression(const char *media_type, int *comp, lv_error **err);

/* Opens a blob of the source, verified against digest and size (size < 0:
 * unchecked).  The returned fd is positioned at offset 0. */
int img_blob_open(img_source *src, const char *path, const char *digest,
		  int64_t size, int *fd, lv_error **err);
/* Reads a small blob (JSON) after verifying it. */
int img_blob_read(img_source *src, const char *path, const char *digest,
		  int64_t size, char **data, size_t *len, lv_error **err);
/* The path of a blob in an OCI layout: "blobs/ALGO/HEX". */
int img_blob_path(const char *digest, char **path, lv_error **err);

/* Hashes all of fd from its current offset; *digest is "algo:hex". */
int img_digest_fd(int fd, const char *algo, char **digest, lv_error **err);

/* ---- extraction ---- */

enum img_whiteouts {
	IMG_WH_NONE,    /* plain archive: whiteout names are ordinary files */
	IMG_WH_APPLY,   /* apply onto the merged tree: delete what they hide */
	IMG_WH_OVERLAY, /* convert to overlayfs form: 0:0 char device, opaque xattr */
};

typedef struct {
	int whiteouts;       /* enum img_whiteouts */
	bool same_owner;     /* chown entries to their uid/gid */
	int compression;     /* enum img_compression */
	const char *diff_algo; /* hash the uncompressed stream with this ("sha256"), or NULL */
	/* IMG_WH_OVERLAY: the lower layer roots, topmost first, to copy the
	 * target of a hardlink that points into an earlier layer. */
	const int *lower_fds;
	size_t n_lower;
} img_extract_opts;

/* Extracts the tar stream read from blob_fd into the directory root_fd,
 * confined to it.  *diff_id (if diff_algo) receives the digest of the
 * uncompressed stream. */
int img_extract(int root_fd, int blob_fd, const img_extract_opts *o,
		char **diff_id, lv_error **err);

/* Removes everything below dirfd/name (not following symlinks), then name. */
int img_remove_tree(int dirfd, const char *name, lv_error **err);

/* The whiteout rule of the image-spec, for one archive path (already
 * normalised, no leading "./" or "/"): IMG_ENTRY_WHITEOUT with *target the
 * hidden path, IMG_ENTRY_OPAQUE with *target the opaque directory ("" for
 * the root), or IMG_ENTRY_PLAIN. */
enum img_entry_kind { IMG_ENTRY_PLAIN, IMG_ENTRY_WHITEOUT, IMG_ENTRY_OPAQUE };
int img_whiteout_classify(const char *path, char **target, lv_error **err);

/* Normalises an archive path: strips "./" and leading "/", collapses "//",
 * drops "." components and resolves ".." lexically, clamped at the root (as
 * "/.." is "/").  Symlinks are left to the in-root resolution.  "" means the
 * root itself. */
int img_path_normalise(const char *in, char **out, lv_error **err);

/* ---- bundles ---- */

typedef struct {
	const char *source; /* host path */
	const char *destination;
	bool readonly;
} img_bind;

/* What the user overrides on top of the image config. */
typedef struct {
	const char *const *args;  /* replaces Cmd (Entrypoint stays); NULL: image's */
	const char *const *env;   /* K=V, override the image's */
	const char *cwd;
	const char *user;         /* name or uid[:gid], resolved in the rootfs */
	const img_bind *binds;
	size_t n_binds;
	bool terminal;
	const char *rootfs_path;  /* root.path, default "rootfs" */
} img_overrides;

/* Builds a runtime config from the image config (conversion.md) on the
 * defaults of spec_config_default(); rootfs_fd is the unpacked root, used to
 * resolve user names through its /etc/passwd and /etc/group.  An image
 * without Entrypoint and Cmd (and no args override) keeps the default args. */
int img_config_to_spec(const img_config *ic, int rootfs_fd,
		       const img_overrides *ov, spec_config **out, lv_error **err);

/* Resolves "name", "uid", "name:group", "uid:gid" against rootfs_fd's
 * etc/passwd and etc/group; additional gids from etc/group membership. */
int img_resolve_user(int rootfs_fd, const char *user, uint32_t *uid,
		     uint32_t *gid, uint32_t **gids, size_t *n_gids,
		     lv_error **err);

/* `lieve image unpack IMAGE BUNDLE`: BUNDLE/rootfs and BUNDLE/config.json,
 * all or nothing (built beside the target, renamed at the end). */
int img_unpack_bundle(const char *ref, const char *platform, const char *bundle,
		      lv_error **err);

/* ---- layer store ---- */

/* STORE/layers/sha256/HEX        one extracted layer (overlay whiteout form)
 * STORE/layers/.tmp-*            extraction in progress
 * STORE/.lock                    flock()ed while layers are added
 * STORE/containers/ID/{upper,work,rootfs}  per-container overlay parts
 * STORE/extractions              a counter, +1 per extracted layer (tests) */
typedef struct {
	int fd;
	char *path;
} img_store;

int img_store_open(const char *path, img_store *st, lv_error **err);
void img_store_close(img_store *st);

/* Makes sure every layer of the image is in the store, extracting those that
 * are missing.  *fds receives an O_PATH fd per layer (bottom first). */
int img_store_layers(img_store *st, img_source *src, const img_image *im,
		     int **fds, lv_error **err);

/* Mounts an overlay of layer_fds (bottom first) + upper/work onto target. */
int img_overlay_mount(const int *layer_fds, size_t n, int upper_fd, int work_fd,
		      const char *target, lv_error **err);

/* Mounts the image's layers from the store on DIR/rootfs, with upper and
 * work dirs in DIR/.overlay (reused when present).  dir_fd is DIR. */
int img_store_mount_image(img_store *st, img_source *src, const img_image *im,
			  int dir_fd, const char *dir, lv_error **err);

/* `lieve image unpack --store`: like img_unpack_bundle but BUNDLE/rootfs is
 * an overlay of the store's layers, upper/work in BUNDLE/.overlay. */
int img_unpack_bundle_store(const char *ref, const char *platform,
			    const char *store, const char *bundle, lv_error **err);

/* ---- dev environments (`lieve image run`) ---- */

/* Where the current directory is bind-mounted by default, and the default
 * working directory of the process. */
#define IMG_DEV_WORKDIR "/work"

typedef struct {
	const char *store;
	const char *image;
	const char *platform;
	const char *id;           /* container id; NULL: generated */
	const char *workdir_host; /* bind-mounted at IMG_DEV_WORKDIR; NULL: none */
	img_overrides ov;         /* ov.cwd NULL: IMG_DEV_WORKDIR when workdir_host */
} img_devenv_opts;

typedef struct {
	char *id;
	char *bundle;  /* STORE/containers/ID: config.json, rootfs, .overlay */
	bool mounted;
} img_devenv;

/* Unpacks or reuses the image's layers, mounts the container's overlay
 * (reusing its upper dir when the container directory already exists) and
 * writes config.json.  On failure nothing is left mounted or created. */
int img_devenv_prepare(const img_devenv_opts *o, img_devenv *d, lv_error **err);
/* Unmounts the overlay; with `remove`, deletes the container directory
 * (upper dir included). */
int img_devenv_finish(img_devenv *d, bool remove, lv_error **err);

#endif
