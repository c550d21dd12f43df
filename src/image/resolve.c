/* From a source to one image: index.json (by ref name) → nested indexes (by
 * platform) → manifest → config; or docker's manifest.json (by RepoTag).
 * Every blob is verified against its descriptor before it is parsed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/image/image.h"
#include "src/image/internal.h"
#include "src/util/cleanup.h"

static int layers_alloc(img_image *im, size_t n, lv_error **err)
{
	if (im->config->diff_ids.n != n)
		return lv_err(err, 0, "config %s: %zu diff_ids for %zu layers",
			      im->config_digest ? im->config_digest : "",
			      im->config->diff_ids.n, n);
	im->layers = calloc(n ? n : 1, sizeof(img_layer));
	if (!im->layers)
		return lv_err(err, ENOMEM, "image");
	im->n_layers = n;
	for (size_t i = 0; i < n; i++) {
		im->layers[i].size = -1;
		if (!(im->layers[i].diff_id = strdup(im->config->diff_ids.v[i])))
			return lv_err(err, ENOMEM, "image");
	}
	return 0;
}

static void platform_str(const img_platform *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", p->os ? p->os : "?",
		 p->architecture ? p->architecture : "?", p->variant ? "/" : "",
		 p->variant ? p->variant : "");
}

static bool is_index_mt(const char *mt)
{
	return strcmp(mt, IMG_MT_INDEX) == 0 || strcmp(mt, IMG_MT_DOCKER_LIST) == 0;
}

static bool is_manifest_mt(const char *mt)
{
	return strcmp(mt, IMG_MT_MANIFEST) == 0 || strcmp(mt, IMG_MT_DOCKER_MANIFEST) == 0;
}

/* Picks the entry for the platform among an index's manifests. */
static int pick_platform(const img_index *ix, const char *label,
			 const img_platform *want, const img_descriptor **out,
			 lv_error **err)
{
	char avail[512] = "", one[96];
	for (size_t i = 0; i < ix->manifests.n; i++) {
		const img_descriptor *d = &ix->manifests.v[i];
		if (!d->platform)
			continue;
		if (img_platform_match(want, d->platform)) {
			*out = d;
			return 0;
		}
		platform_str(d->platform, one, sizeof(one));
		if (strlen(avail) + strlen(one) + 3 < sizeof(avail)) {
			if (*avail)
				strcat(avail, ", ");
			strcat(avail, one);
		}
	}
	platform_str(want, one, sizeof(one));
	return lv_err(err, 0, "%s: no image for platform %s (available: %s)", label, one,
		      *avail ? avail : "none");
}

/* The top-level choice in index.json: by ref name, else the only entry (or
 * the only one for the platform when entries carry platforms). */
static int pick_top(img_source *src, const img_index *ix, const img_platform *want,
		    const img_descriptor **out, lv_error **err)
{
	const char *name = img_source_name(src);
	if (name) {
		for (size_t i = 0; i < ix->manifests.n; i++) {
			const char *rn = img_map_get(&ix->manifests.v[i].annotations,
						     IMG_ANNOT_REF_NAME);
			if (rn && strcmp(rn, name) == 0) {
				*out = &ix->manifests.v[i];
				return 0;
			}
		}
		return lv_err(err, 0, "index.json: no image named \"%s\"", name);
	}
	if (ix->manifests.n == 0)
		return lv_err(err, 0, "index.json: no images");
	if (ix->manifests.n == 1) {
		*out = &ix->manifests.v[0];
		return 0;
	}
	bool all_platforms = true;
	for (size_t i = 0; i < ix->manifests.n; i++)
		all_platforms &= ix->manifests.v[i].platform != NULL &&
				 !img_map_get(&ix->manifests.v[i].annotations, IMG_ANNOT_REF_NAME);
	if (all_platforms)
		return pick_platform(ix, "index.json", want, out, err);
	return lv_err(err, 0, "index.json: %zu images; choose one with IMAGE:NAME",
		      ix->manifests.n);
}

static int load_manifest(img_source *src, const img_descriptor *d,
			 const img_platform *want, int depth, img_manifest **out,
			 lv_error **err)
{
	_cleanup_free_ char *path = NULL, *json = NULL;
	size_t len;
	if (img_blob_path(d->digest, &path, err) < 0 ||
	    img_blob_read(src, path, d->digest, d->size, &json, &len, err) < 0)
		return -1;
	_cleanup_free_ char *label = NULL;
	if (asprintf(&label, "%s %s", is_index_mt(d->media_type) ? "index" : "manifest",
		     d->digest) < 0)
		return lv_err(err, ENOMEM, "image");
	if (is_index_mt(d->media_type)) {
		if (depth > 4)
			return lv_err(err, 0, "%s: indexes nested too deep", label);
		_cleanup_index_ img_index *ix = NULL;
		const img_descriptor *next;
		if (img_index_parse(json, len, label, &ix, err) < 0 ||
		    pick_platform(ix, label, want, &next, err) < 0)
			return -1;
		return load_manifest(src, next, want, depth + 1, out, err);
	}
	if (!is_manifest_mt(d->media_type))
		return lv_err(err, 0, "%s: unsupported media type \"%s\"", label, d->media_type);
	return img_manifest_parse(json, len, label, out, err);
}

static int check_config_platform(const img_config *c, const img_platform *want,
				 bool explicit_platform, lv_error **err)
{
	img_platform have = { .os = c->os, .architecture = c->architecture,
			      .variant = c->variant };
	if (img_platform_match(want, &have))
		return 0;
	char a[96], b[96];
	platform_str(&have, a, sizeof(a));
	platform_str(want, b, sizeof(b));
	return lv_err(err, 0, "image is for %s, %s %s", a,
		      explicit_platform ? "--platform asks for" : "this machine is", b);
}

static int resolve_oci(img_source *src, const img_platform *want, bool explicit_platform,
		       img_image *im, lv_error **err)
{
	_cleanup_free_ char *json = NULL;
	size_t len;
	_cleanup_index_ img_index *ix = NULL;
	const img_descriptor *top;
	_cleanup_manifest_ img_manifest *m = NULL;
	if (img_blob_read(src, "index.json", NULL, -1, &json, &len, err) < 0 ||
	    img_index_parse(json, len, "index.json", &ix, err) < 0 ||
	    pick_top(src, ix, want, &top, err) < 0 ||
	    load_manifest(src, top, want, 0, &m, err) < 0)
		return -1;
	const img_descriptor *cd = &m->config;
	if (strcmp(cd->media_type, IMG_MT_CONFIG) != 0 &&
	    strcmp(cd->media_type, IMG_MT_DOCKER_CONFIG) != 0)
		return lv_err(err, 0, "config %s: unsupported media type \"%s\"", cd->digest,
			      cd->media_type);
	_cleanup_free_ char *cpath = NULL, *cjson = NULL, *label = NULL;
	if (img_blob_path(cd->digest, &cpath, err) < 0 ||
	    img_blob_read(src, cpath, cd->digest, cd->size, &cjson, &len, err) < 0)
		return -1;
	if (asprintf(&label, "config %s", cd->digest) < 0 ||
	    !(im->config_digest = strdup(cd->digest)))
		return lv_err(err, ENOMEM, "image");
	if (img_config_parse(cjson, len, label, &im->config, err) < 0 ||
	    check_config_platform(im->config, want, explicit_platform, err) < 0 ||
	    layers_alloc(im, m->layers.n, err) < 0)
		return -1;
	for (size_t i = 0; i < m->layers.n; i++) {
		const img_descriptor *d = &m->layers.v[i];
		img_layer *l = &im->layers[i];
		if (img_layer_compression(d->media_type, &l->compression, err) < 0)
			return lv_err_wrap(err, "layer %s", d->digest);
		l->size = d->size;
		if (!(l->media_type = strdup(d->media_type)) || !(l->digest = strdup(d->digest)))
			return lv_err(err, ENOMEM, "image");
		if (img_blob_path(d->digest, &l->path, err) < 0)
			return -1;
	}
	return 0;
}

/* Docker's short names: "bb" is "bb:latest" is "docker.io/library/bb:latest". */
static bool tag_matches(const char *tag, const char *name)
{
	static const char *const prefixes[] = { "", "docker.io/library/", "docker.io/" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (strncmp(tag, prefixes[i], pl) != 0)
			continue;
		const char *t = tag + pl;
		size_t n = strlen(name);
		if (strcmp(t, name) == 0 ||
		    (strncmp(t, name, n) == 0 && strcmp(t + n, ":latest") == 0))
			return true;
	}
	return false;
}

static bool has_tag(const img_docker_image *d, const char *name)
{
	for (size_t i = 0; i < d->repo_tags.n; i++)
		if (tag_matches(d->repo_tags.v[i], name))
			return true;
	return false;
}

static int resolve_docker(img_source *src, const img_platform *want,
			  bool explicit_platform, img_image *im, lv_error **err)
{
	_cleanup_free_ char *json = NULL;
	size_t len;
	_cleanup_docker_manifest_ img_docker_manifest *dm = NULL;
	if (img_blob_read(src, "manifest.json", NULL, -1, &json, &len, err) < 0 ||
	    img_docker_manifest_parse(json, len, "manifest.json", &dm, err) < 0)
		return -1;
	const char *name = img_source_name(src);
	const img_docker_image *d = NULL;
	for (size_t i = 0; i < dm->n && name; i++)
		if (has_tag(&dm->v[i], name))
			d = &dm->v[i];
	if (name && !d)
		return lv_err(err, 0, "manifest.json: no image tagged \"%s\"", name);
	if (!name && dm->n != 1)
		return lv_err(err, 0, "manifest.json: %zu images; choose one with IMAGE:TAG", dm->n);
	if (!d)
		d = &dm->v[0];
	/* The config's file name is its digest ("HEX.json" or "blobs/sha256/HEX"). */
	const char *base = strrchr(d->config, '/');
	base = base ? base + 1 : d->config;
	_cleanup_free_ char *digest = NULL;
	if (strspn(base, "0123456789abcdef") == 64 &&
	    (base[64] == '\0' || strcmp(base + 64, ".json") == 0) &&
	    asprintf(&digest, "sha256:%.64s", base) < 0)
		return lv_err(err, ENOMEM, "image");
	_cleanup_free_ char *cjson = NULL, *label = NULL;
	if (img_blob_read(src, d->config, digest, -1, &cjson, &len, err) < 0)
		return -1;
	if (asprintf(&label, "manifest.json: %s", d->config) < 0 ||
	    (digest && !(im->config_digest = strdup(digest))))
		return lv_err(err, ENOMEM, "image");
	if (img_config_parse(cjson, len, label, &im->config, err) < 0 ||
	    check_config_platform(im->config, want, explicit_platform, err) < 0 ||
	    layers_alloc(im, d->layers.n, err) < 0)
		return -1;
	for (size_t i = 0; i < d->layers.n; i++) {
		img_layer *l = &im->layers[i];
		/* docker save writes tars, newer versions may compress: detect;
		 * the content is verified against its diff id as it is read. */
		l->compression = IMG_COMP_DETECT;
		if (!(l->media_type = strdup("application/vnd.docker.image.rootfs.diff.tar")) ||
		    !(l->path = strdup(d->layers.v[i])))
			return lv_err(err, ENOMEM, "image");
	}
	return 0;
}

int img_resolve(img_source *src, const char *platform, img_image **out,
		lv_error **err)
{
	img_platform want;
	if ((platform ? img_platform_parse(platform, &want, err)
		      : img_platform_host(&want, err)) < 0)
		return -1;
	_cleanup_image_ img_image *im = calloc(1, sizeof(*im));
	int r = -1;
	if (!im)
		lv_err(err, ENOMEM, "image");
	else if (img_source_is_docker(src))
		r = resolve_docker(src, &want, platform != NULL, im, err);
	else
		r = resolve_oci(src, &want, platform != NULL, im, err);
	img_platform_clear(&want);
	if (r < 0)
		return -1;
	*out = steal_ptr(im);
	return 0;
}
