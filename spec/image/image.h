/* The OCI image-spec documents (and Docker's `docker save` manifest.json):
 * image index, image manifest, image configuration.
 *
 * Pure data, like spec/config.h: parse a document into structs with messages
 * that name the path of the offending value
 * (`index.json: manifests[0].digest: expected a string, got a number`),
 * validate what the unpacker relies on, free.  No syscalls.
 */
#ifndef LIEVE_SPEC_IMAGE_H
#define LIEVE_SPEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/error.h"
#include "spec/types.h"

#define IMG_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define IMG_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define IMG_MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define IMG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define IMG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define IMG_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define IMG_ANNOT_REF_NAME "org.opencontainers.image.ref.name"

typedef struct {
	char *architecture; /* required */
	char *os;           /* required */
	char *os_version;
	spec_strv os_features;
	char *variant;
} img_platform;

typedef struct {
	char *media_type; /* required */
	char *digest;     /* required, validated: sha256:64hex or sha512:128hex */
	int64_t size;     /* required, >= 0 */
	spec_strv urls;
	spec_map annotations;
	img_platform *platform;
	char *artifact_type;
} img_descriptor;
typedef SPEC_ARRAY(img_descriptor) img_descriptors;

typedef struct {
	int64_t schema_version; /* required, 2 */
	char *media_type;
	img_descriptors manifests; /* required */
	spec_map annotations;
} img_index;

typedef struct {
	int64_t schema_version; /* required, 2 */
	char *media_type;
	img_descriptor config; /* required */
	img_descriptors layers; /* required */
	spec_map annotations;
} img_manifest;

/* The `config` object of an image configuration (what a container runs). */
typedef struct {
	char *user;
	spec_strv exposed_ports; /* the keys of ExposedPorts */
	spec_strv env;
	spec_strv entrypoint;
	spec_strv cmd;
	spec_strv volumes; /* the keys of Volumes */
	char *working_dir;
	spec_map labels;
	char *stop_signal;
	bool args_escaped;
} img_exec_config;

typedef struct {
	char *created;
	char *author;
	char *architecture; /* required */
	char *os;           /* required */
	char *os_version;
	spec_strv os_features;
	char *variant;
	img_exec_config config;
	char *rootfs_type;  /* required, "layers" */
	spec_strv diff_ids; /* required */
} img_config;

/* One image of a `docker save` manifest.json. */
typedef struct {
	char *config;        /* required: path of the config file in the archive */
	spec_strv repo_tags;
	spec_strv layers;    /* required: paths of the layer tarballs */
} img_docker_image;
typedef SPEC_ARRAY(img_docker_image) img_docker_manifest;

/* `label` names the document in messages ("index.json", "manifest sha256:…"). */
int img_index_parse(const char *json, size_t len, const char *label,
		    img_index **out, lv_error **err);
int img_manifest_parse(const char *json, size_t len, const char *label,
		       img_manifest **out, lv_error **err);
int img_config_parse(const char *json, size_t len, const char *label,
		     img_config **out, lv_error **err);
int img_docker_manifest_parse(const char *json, size_t len, const char *label,
			      img_docker_manifest **out, lv_error **err);

void img_index_free(img_index *x);
void img_manifest_free(img_manifest *x);
void img_config_free(img_config *x);
void img_docker_manifest_free(img_docker_manifest *x);
static inline void img_index_freep(img_index **x) { img_index_free(*x); }
static inline void img_manifest_freep(img_manifest **x) { img_manifest_free(*x); }
static inline void img_config_freep(img_config **x) { img_config_free(*x); }
static inline void img_docker_manifest_freep(img_docker_manifest **x) { img_docker_manifest_free(*x); }
#define _cleanup_index_ __attribute__((cleanup(img_index_freep)))
#define _cleanup_manifest_ __attribute__((cleanup(img_manifest_freep)))
#define _cleanup_imgconfig_ __attribute__((cleanup(img_config_freep)))
#define _cleanup_docker_manifest_ __attribute__((cleanup(img_docker_manifest_freep)))

/* "sha256:<64 lowercase hex>" or "sha512:<128 lowercase hex>".  On success
 * *algo is "sha256"/"sha512" (static) and *hex points into `digest`. */
int img_digest_split(const char *digest, const char **algo, const char **hex,
		     lv_error **err);

/* Looks a key up in a map parsed by these functions; NULL when absent. */
const char *img_map_get(const spec_map *m, const char *key);

#endif
