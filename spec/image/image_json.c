/* Parsers for the image-spec documents, on yajl's tree API.
 *
 * Every accessor knows the JSON path of the value it reads, so a message
 * reads `index.json: manifests[0].digest: expected a string, got a number`. */
#include "spec/image/image.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "spec/json_engine.h"
#include "src/util/cleanup.h"

typedef struct {
	const char *label;
	lv_error **err;
} jctx;

static int jfail(jctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int jfail(jctx *c, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (r < 0)
		return lv_err(c->err, ENOMEM, "%s", c->label);
	if (path && *path)
		return lv_err(c->err, 0, "%s: %s: %s", c->label, path, what);
	return lv_err(c->err, 0, "%s: %s", c->label, what);
}

/* "a" + "b" -> "a.b"; "" + "b" -> "b".  Returns NULL only on ENOMEM. */
static char *jkey(const char *path, const char *key)
{
	char *s = NULL;
	if (asprintf(&s, "%s%s%s", path, *path ? "." : "", key) < 0)
		return NULL;
	return s;
}

static char *jidx(const char *path, size_t i)
{
	char *s = NULL;
	if (asprintf(&s, "%s[%zu]", path, i) < 0)
		return NULL;
	return s;
}

static yajl_val jget(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

#define JPATH(var, expr)                                                       \
	_cleanup_free_ char *var = (expr);                                     \
	if (!var)                                                              \
		return lv_err(c->err, ENOMEM, "%s", c->label)

/* A present value of the wrong type is an error; null counts as absent only
 * for optional fields. */
static int jwant(jctx *c, yajl_val v, const char *path, bool required,
		 bool (*is)(yajl_val), const char *want)
{
	if (!v || YAJL_IS_NULL(v)) {
		if (required)
			return jfail(c, path, "required, missing");
		return 0;
	}
	if (!is(v))
		return jfail(c, path, "expected %s, got %s", want, je_type_name(v));
	return 1;
}

static bool is_string(yajl_val v) { return YAJL_IS_STRING(v); }
static bool is_object(yajl_val v) { return YAJL_IS_OBJECT(v); }
static bool is_array(yajl_val v) { return YAJL_IS_ARRAY(v); }
static bool is_integer(yajl_val v) { return YAJL_IS_INTEGER(v); }
static bool is_bool(yajl_val v) { return YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v); }

static int get_string(jctx *c, yajl_val obj, const char *path, const char *key,
		      bool required, char **out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, p, required, is_string, "a string");
	if (r <= 0)
		return r;
	*out = strdup(v->u.string);
	return *out ? 0 : lv_err(c->err, ENOMEM, "%s", c->label);
}

static int get_int(jctx *c, yajl_val obj, const char *path, const char *key,
		   bool required, int64_t *out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	if (v && YAJL_IS_NUMBER(v) && !YAJL_IS_INTEGER(v))
		return jfail(c, p, "expected an integer, got %s", v->u.number.r);
	int r = jwant(c, v, p, required, is_integer, "an integer");
	if (r <= 0)
		return r;
	*out = v->u.number.i;
	return 0;
}

static int get_bool(jctx *c, yajl_val obj, const char *path, const char *key,
		    bool *out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, p, false, is_bool, "a boolean");
	if (r <= 0)
		return r;
	*out = YAJL_IS_TRUE(v);
	return 0;
}

static int strv_alloc(jctx *c, spec_strv *sv, size_t n)
{
	sv->v = calloc(n + 1, sizeof(char *));
	sv->n = 0;
	return sv->v ? 0 : lv_err(c->err, ENOMEM, "%s", c->label);
}

static void strv_clear(spec_strv *sv)
{
	if (sv->v)
		for (size_t i = 0; i < sv->n; i++)
			free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static void map_clear(spec_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static int get_strv(jctx *c, yajl_val obj, const char *path, const char *key,
		    bool required, spec_strv *out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, p, required, is_array, "an array");
	if (r <= 0)
		return r;
	if (strv_alloc(c, out, v->u.array.len) < 0)
		return -1;
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];
		if (!YAJL_IS_STRING(e)) {
			JPATH(ep, jidx(p, i));
			return jfail(c, ep, "expected a string, got %s", je_type_name(e));
		}
		if (!(out->v[out->n] = strdup(e->u.string)))
			return lv_err(c->err, ENOMEM, "%s", c->label);
		out->n++;
	}
	return 0;
}

/* An object of strings, e.g. annotations or Labels. */
static int get_map(jctx *c, yajl_val obj, const char *path, const char *key,
		   spec_map *out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, p, false, is_object, "an object");
	if (r <= 0)
		return r;
	out->v = calloc(v->u.object.len + 1, sizeof(spec_kv));
	if (!out->v)
		return lv_err(c->err, ENOMEM, "%s", c->label);
	for (size_t i = 0; i < v->u.object.len; i++) {
		yajl_val e = v->u.object.values[i];
		if (!YAJL_IS_STRING(e)) {
			JPATH(ep, jkey(p, v->u.object.keys[i]));
			return jfail(c, ep, "expected a string, got %s", je_type_name(e));
		}
		spec_kv *kv = &out->v[out->n];
		kv->key = strdup(v->u.object.keys[i]);
		kv->value = strdup(e->u.string);
		out->n++;
		if (!kv->key || !kv->value)
			return lv_err(c->err, ENOMEM, "%s", c->label);
	}
	return 0;
}

/* An object used as a set (ExposedPorts, Volumes): the keys, values must be objects. */
static int get_keys(jctx *c, yajl_val obj, const char *path, const char *key,
		    spec_strv *out)
{
	JPATH(p, jkey(path, key));
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, p, false, is_object, "an object");
	if (r <= 0)
		return r;
	if (strv_alloc(c, out, v->u.object.len) < 0)
		return -1;
	for (size_t i = 0; i < v->u.object.len; i++) {
		yajl_val e = v->u.object.values[i];
		if (!YAJL_IS_OBJECT(e)) {
			JPATH(ep, jkey(p, v->u.object.keys[i]));
			return jfail(c, ep, "expected an object, got %s", je_type_name(e));
		}
		if (!(out->v[out->n] = strdup(v->u.object.keys[i])))
			return lv_err(c->err, ENOMEM, "%s", c->label);
		out->n++;
	}
	return 0;
}

int img_digest_split(const char *digest, const char **algo, const char **hex,
		     lv_error **err)
{
	size_t want;
	const char *rest;
	if (strncmp(digest, "sha256:", 7) == 0) {
		*algo = "sha256";
		want = 64;
		rest = digest + 7;
	} else if (strncmp(digest, "sha512:", 7) == 0) {
		*algo = "sha512";
		want = 128;
		rest = digest + 7;
	} else {
		return lv_err(err, 0, "unsupported digest \"%s\": expected sha256:HEX or sha512:HEX",
			      digest);
	}
	size_t n = strspn(rest, "0123456789abcdef");
	if (n != want || rest[n] != '\0')
		return lv_err(err, 0, "invalid digest \"%s\": expected %zu lowercase hex digits",
			      digest, want);
	*hex = rest;
	return 0;
}

const char *img_map_get(const spec_map *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0)
			return m->v[i].value;
	return NULL;
}

static int parse_platform(jctx *c, yajl_val obj, const char *path,
			  img_platform **out)
{
	JPATH(p, jkey(path, "platform"));
	yajl_val v = jget(obj, "platform");
	int r = jwant(c, v, p, false, is_object, "an object");
	if (r <= 0)
		return r;
	img_platform *pl = calloc(1, sizeof(*pl));
	if (!pl)
		return lv_err(c->err, ENOMEM, "%s", c->label);
	*out = pl;
	if (get_string(c, v, p, "architecture", true, &pl->architecture) < 0 ||
	    get_string(c, v, p, "os", true, &pl->os) < 0 ||
	    get_string(c, v, p, "os.version", false, &pl->os_version) < 0 ||
	    get_strv(c, v, p, "os.features", false, &pl->os_features) < 0 ||
	    get_string(c, v, p, "variant", false, &pl->variant) < 0)
		return -1;
	return 0;
}

static int parse_descriptor(jctx *c, yajl_val v, const char *path,
			    img_descriptor *d)
{
	if (!YAJL_IS_OBJECT(v))
		return jfail(c, path, "expected an object, got %s", je_type_name(v));
	if (get_string(c, v, path, "mediaType", true, &d->media_type) < 0 ||
	    get_string(c, v, path, "digest", true, &d->digest) < 0 ||
	    get_int(c, v, path, "size", true, &d->size) < 0 ||
	    get_strv(c, v, path, "urls", false, &d->urls) < 0 ||
	    get_map(c, v, path, "annotations", &d->annotations) < 0 ||
	    parse_platform(c, v, path, &d->platform) < 0 ||
	    get_string(c, v, path, "artifactType", false, &d->artifact_type) < 0)
		return -1;
	const char *algo, *hex;
	_cleanup_error_ lv_error *derr = NULL;
	if (img_digest_split(d->digest, &algo, &hex, &derr) < 0) {
		JPATH(p, jkey(path, "digest"));
		return jfail(c, p, "%s", derr->msg);
	}
	if (d->size < 0) {
		JPATH(p, jkey(path, "size"));
		return jfail(c, p, "must not be negative, got %" PRId64, d->size);
	}
	return 0;
}

static int parse_descriptors(jctx *c, yajl_val obj, const char *key,
			     img_descriptors *out)
{
	yajl_val v = jget(obj, key);
	int r = jwant(c, v, key, true, is_array, "an array");
	if (r <= 0)
		return r;
	out->v = calloc(v->u.array.len + 1, sizeof(img_descriptor));
	if (!out->v)
		return lv_err(c->err, ENOMEM, "%s", c->label);
	for (size_t i = 0; i < v->u.array.len; i++) {
		JPATH(p, jidx(key, i));
		out->n++;
		if (parse_descriptor(c, v->u.array.values[i], p, &out->v[i]) < 0)
			return -1;
	}
	return 0;
}

static int check_schema(jctx *c, yajl_val root, int64_t *version)
{
	if (get_int(c, root, "", "schemaVersion", true, version) < 0)
		return -1;
	if (*version != 2)
		return jfail(c, "schemaVersion", "unsupported version %" PRId64 ", expected 2",
			     *version);
	return 0;
}

/* Parses the document text; the caller owns the returned tree. */
static int jparse(jctx *c, const char *json, size_t len, yajl_val *out)
{
	_cleanup_free_ char *buf = strndup(json, len);
	if (!buf)
		return lv_err(c->err, ENOMEM, "%s", c->label);
	if (strlen(buf) != len)
		return jfail(c, NULL, "invalid JSON: NUL byte in document");
	char ebuf[256] = "";
	yajl_val root = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!root) {
		/* yajl's message spans lines (with a caret); keep the first. */
		ebuf[strcspn(ebuf, "\n")] = '\0';
		return jfail(c, NULL, "invalid JSON: %s", *ebuf ? ebuf : "parse error");
	}
	if (!YAJL_IS_OBJECT(root)) {
		int r = jfail(c, NULL, "expected an object, got %s", je_type_name(root));
		yajl_tree_free(root);
		return r;
	}
	*out = root;
	return 0;
}

static void yajl_freep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}
#define _cleanup_yajl_ __attribute__((cleanup(yajl_freep)))

int img_index_parse(const char *json, size_t len, const char *label,
		    img_index **out, lv_error **err)
{
	jctx cc = { label, err }, *c = &cc;
	_cleanup_yajl_ yajl_val root = NULL;
	if (jparse(c, json, len, &root) < 0)
		return -1;
	_cleanup_index_ img_index *x = calloc(1, sizeof(*x));
	if (!x)
		return lv_err(err, ENOMEM, "%s", label);
	if (check_schema(c, root, &x->schema_version) < 0 ||
	    get_string(c, root, "", "mediaType", false, &x->media_type) < 0 ||
	    parse_descriptors(c, root, "manifests", &x->manifests) < 0 ||
	    get_map(c, root, "", "annotations", &x->annotations) < 0)
		return -1;
	if (x->media_type && strcmp(x->media_type, IMG_MT_INDEX) != 0 &&
	    strcmp(x->media_type, IMG_MT_DOCKER_LIST) != 0)
		return jfail(c, "mediaType", "unexpected media type \"%s\"", x->media_type);
	*out = steal_ptr(x);
	return 0;
}

int img_manifest_parse(const char *json, size_t len, const char *label,
		       img_manifest **out, lv_error **err)
{
	jctx cc = { label, err }, *c = &cc;
	_cleanup_yajl_ yajl_val root = NULL;
	if (jparse(c, json, len, &root) < 0)
		return -1;
	_cleanup_manifest_ img_manifest *x = calloc(1, sizeof(*x));
	if (!x)
		return lv_err(err, ENOMEM, "%s", label);
	if (check_schema(c, root, &x->schema_version) < 0 ||
	    get_string(c, root, "", "mediaType", false, &x->media_type) < 0)
		return -1;
	if (x->media_type && strcmp(x->media_type, IMG_MT_MANIFEST) != 0 &&
	    strcmp(x->media_type, IMG_MT_DOCKER_MANIFEST) != 0)
		return jfail(c, "mediaType", "unexpected media type \"%s\"", x->media_type);
	yajl_val cfg = jget(root, "config");
	int r = jwant(c, cfg, "config", true, is_object, "an object");
	if (r <= 0)
		return -1;
	if (parse_descriptor(c, cfg, "config", &x->config) < 0 ||
	    parse_descriptors(c, root, "layers", &x->layers) < 0 ||
	    get_map(c, root, "", "annotations", &x->annotations) < 0)
		return -1;
	*out = steal_ptr(x);
	return 0;
}

static int parse_exec_config(jctx *c, yajl_val root, img_exec_config *e)
{
	yajl_val v = jget(root, "config");
	int r = jwant(c, v, "config", false, is_object, "an object");
	if (r <= 0)
		return r;
	const char *p = "config";
	if (get_string(c, v, p, "User", false, &e->user) < 0 ||
	    get_keys(c, v, p, "ExposedPorts", &e->exposed_ports) < 0 ||
	    get_strv(c, v, p, "Env", false, &e->env) < 0 ||
	    get_strv(c, v, p, "Entrypoint", false, &e->entrypoint) < 0 ||
	    get_strv(c, v, p, "Cmd", false, &e->cmd) < 0 ||
	    get_keys(c, v, p, "Volumes", &e->volumes) < 0 ||
	    get_string(c, v, p, "WorkingDir", false, &e->working_dir) < 0 ||
	    get_map(c, v, p, "Labels", &e->labels) < 0 ||
	    get_string(c, v, p, "StopSignal", false, &e->stop_signal) < 0 ||
	    get_bool(c, v, p, "ArgsEscaped", &e->args_escaped) < 0)
		return -1;
	return 0;
}

int img_config_parse(const char *json, size_t len, const char *label,
		     img_config **out, lv_error **err)
{
	jctx cc = { label, err }, *c = &cc;
	_cleanup_yajl_ yajl_val root = NULL;
	if (jparse(c, json, len, &root) < 0)
		return -1;
	_cleanup_imgconfig_ img_config *x = calloc(1, sizeof(*x));
	if (!x)
		return lv_err(err, ENOMEM, "%s", label);
	if (get_string(c, root, "", "created", false, &x->created) < 0 ||
	    get_string(c, root, "", "author", false, &x->author) < 0 ||
	    get_string(c, root, "", "architecture", true, &x->architecture) < 0 ||
	    get_string(c, root, "", "os", true, &x->os) < 0 ||
	    get_string(c, root, "", "os.version", false, &x->os_version) < 0 ||
	    get_strv(c, root, "", "os.features", false, &x->os_features) < 0 ||
	    get_string(c, root, "", "variant", false, &x->variant) < 0 ||
	    parse_exec_config(c, root, &x->config) < 0)
		return -1;
	yajl_val rootfs = jget(root, "rootfs");
	if (jwant(c, rootfs, "rootfs", true, is_object, "an object") <= 0)
		return -1;
	if (get_string(c, rootfs, "rootfs", "type", true, &x->rootfs_type) < 0 ||
	    get_strv(c, rootfs, "rootfs", "diff_ids", true, &x->diff_ids) < 0)
		return -1;
	if (strcmp(x->rootfs_type, "layers") != 0)
		return jfail(c, "rootfs.type", "expected \"layers\", got \"%s\"", x->rootfs_type);
	for (size_t i = 0; i < x->diff_ids.n; i++) {
		const char *algo, *hex;
		_cleanup_error_ lv_error *derr = NULL;
		if (img_digest_split(x->diff_ids.v[i], &algo, &hex, &derr) < 0) {
			_cleanup_free_ char *p = jidx("rootfs.diff_ids", i);
			return jfail(c, p ? p : "rootfs.diff_ids", "%s", derr->msg);
		}
	}
	*out = steal_ptr(x);
	return 0;
}

int img_docker_manifest_parse(const char *json, size_t len, const char *label,
			      img_docker_manifest **out, lv_error **err)
{
	jctx cc = { label, err }, *c = &cc;
	_cleanup_free_ char *buf = strndup(json, len);
	if (!buf)
		return lv_err(err, ENOMEM, "%s", label);
	char ebuf[256] = "";
	_cleanup_yajl_ yajl_val root = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!root) {
		ebuf[strcspn(ebuf, "\n")] = '\0';
		return jfail(c, NULL, "invalid JSON: %s", *ebuf ? ebuf : "parse error");
	}
	if (!YAJL_IS_ARRAY(root))
		return jfail(c, NULL, "expected an array, got %s", je_type_name(root));
	_cleanup_docker_manifest_ img_docker_manifest *x = calloc(1, sizeof(*x));
	if (!x || !(x->v = calloc(root->u.array.len + 1, sizeof(img_docker_image))))
		return lv_err(err, ENOMEM, "%s", label);
	for (size_t i = 0; i < root->u.array.len; i++) {
		JPATH(p, jidx("", i));
		yajl_val e = root->u.array.values[i];
		x->n++;
		if (!YAJL_IS_OBJECT(e))
			return jfail(c, p, "expected an object, got %s", je_type_name(e));
		img_docker_image *d = &x->v[i];
		if (get_string(c, e, p, "Config", true, &d->config) < 0 ||
		    get_strv(c, e, p, "RepoTags", false, &d->repo_tags) < 0 ||
		    get_strv(c, e, p, "Layers", true, &d->layers) < 0)
			return -1;
	}
	*out = steal_ptr(x);
	return 0;
}

static void platform_free(img_platform *p)
{
	if (!p)
		return;
	free(p->architecture);
	free(p->os);
	free(p->os_version);
	strv_clear(&p->os_features);
	free(p->variant);
	free(p);
}

static void descriptor_clear(img_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	strv_clear(&d->urls);
	map_clear(&d->annotations);
	platform_free(d->platform);
	free(d->artifact_type);
}

static void descriptors_clear(img_descriptors *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		descriptor_clear(&ds->v[i]);
	free(ds->v);
}

void img_index_free(img_index *x)
{
	if (!x)
		return;
	free(x->media_type);
	descriptors_clear(&x->manifests);
	map_clear(&x->annotations);
	free(x);
}

void img_manifest_free(img_manifest *x)
{
	if (!x)
		return;
	free(x->media_type);
	descriptor_clear(&x->config);
	descriptors_clear(&x->layers);
	map_clear(&x->annotations);
	free(x);
}

void img_config_free(img_config *x)
{
	if (!x)
		return;
	free(x->created);
	free(x->author);
	free(x->architecture);
	free(x->os);
	free(x->os_version);
	strv_clear(&x->os_features);
	free(x->variant);
	img_exec_config *e = &x->config;
	free(e->user);
	strv_clear(&e->exposed_ports);
	strv_clear(&e->env);
	strv_clear(&e->entrypoint);
	strv_clear(&e->cmd);
	strv_clear(&e->volumes);
	free(e->working_dir);
	map_clear(&e->labels);
	free(e->stop_signal);
	free(x->rootfs_type);
	strv_clear(&x->diff_ids);
	free(x);
}

void img_docker_manifest_free(img_docker_manifest *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].config);
		strv_clear(&x->v[i].repo_tags);
		strv_clear(&x->v[i].layers);
	}
	free(x->v);
	free(x);
}
