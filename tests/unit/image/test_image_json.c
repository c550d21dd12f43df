/* Image-spec JSON: valid documents and exact messages for invalid ones. */
#include <criterion/criterion.h>
#include <string.h>

#include "spec/image/image.h"
#include "src/util/cleanup.h"

#define D1 "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
#define D2 "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"

static char *index_err(const char *json)
{
	lv_error *err = NULL;
	img_index *ix = NULL;
	cr_assert_lt(img_index_parse(json, strlen(json), "index.json", &ix, &err), 0);
	cr_assert_null(ix);
	char *msg = strdup(err->msg);
	lv_err_free(err);
	return msg;
}

static void expect_index_err(const char *json, const char *want)
{
	_cleanup_free_ char *msg = index_err(json);
	cr_assert_str_eq(msg, want);
}

Test(image_json, index_valid)
{
	const char *j = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
			"\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			"\"digest\":\"" D1 "\",\"size\":349,"
			"\"annotations\":{\"org.opencontainers.image.ref.name\":\"busybox\"},"
			"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}";
	lv_error *err = NULL;
	img_index *ix = NULL;
	cr_assert_eq(img_index_parse(j, strlen(j), "index.json", &ix, &err), 0);
	cr_assert_eq(ix->manifests.n, 1);
	img_descriptor *d = &ix->manifests.v[0];
	cr_assert_str_eq(d->digest, D1);
	cr_assert_eq(d->size, 349);
	cr_assert_str_eq(img_map_get(&d->annotations, IMG_ANNOT_REF_NAME), "busybox");
	cr_assert_str_eq(d->platform->architecture, "arm64");
	cr_assert_str_eq(d->platform->variant, "v8");
	img_index_free(ix);
}

Test(image_json, index_errors)
{
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":42,\"size\":1}]}",
			 "index.json: manifests[0].digest: expected a string, got a number");
	expect_index_err("{\"schemaVersion\":2}", "index.json: manifests: required, missing");
	expect_index_err("{\"manifests\":[]}", "index.json: schemaVersion: required, missing");
	expect_index_err("{\"schemaVersion\":1,\"manifests\":[]}",
			 "index.json: schemaVersion: unsupported version 1, expected 2");
	expect_index_err("{\"schemaVersion\":2.5,\"manifests\":[]}",
			 "index.json: schemaVersion: expected an integer, got 2.5");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":{}}",
			 "index.json: manifests: expected an array, got an object");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[\"x\"]}",
			 "index.json: manifests[0]: expected an object, got a string");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":-1}]}",
			 "index.json: manifests[0].size: must not be negative, got -1");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"md5:abc\",\"size\":1}]}",
			 "index.json: manifests[0].digest: unsupported digest \"md5:abc\": expected sha256:HEX or sha512:HEX");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"sha256:ABC\",\"size\":1}]}",
			 "index.json: manifests[0].digest: invalid digest \"sha256:ABC\": expected 64 lowercase hex digits");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1,"
			 "\"annotations\":{\"a\":true}}]}",
			 "index.json: manifests[0].annotations.a: expected a string, got a boolean");
	expect_index_err("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1,"
			 "\"platform\":{\"os\":\"linux\"}}]}",
			 "index.json: manifests[0].platform.architecture: required, missing");
	expect_index_err("[1]", "index.json: expected an object, got an array");
	expect_index_err("{\"schemaVersion\":2,\"mediaType\":\"text/plain\",\"manifests\":[]}",
			 "index.json: mediaType: unexpected media type \"text/plain\"");
	_cleanup_free_ char *msg = index_err("{\"schemaVersion\":");
	cr_assert(strncmp(msg, "index.json: invalid JSON: ", 26) == 0, "%s", msg);
}

Test(image_json, manifest)
{
	const char *j = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":7},"
			"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D2 "\",\"size\":9}]}";
	lv_error *err = NULL;
	img_manifest *m = NULL;
	cr_assert_eq(img_manifest_parse(j, strlen(j), "manifest", &m, &err), 0);
	cr_assert_str_eq(m->config.digest, D1);
	cr_assert_eq(m->layers.n, 1);
	cr_assert_eq(m->layers.v[0].size, 9);
	img_manifest_free(m);

	const char *bad = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" D1 "\",\"size\":7},"
			  "\"layers\":[{\"mediaType\":\"l\",\"digest\":\"" D2 "\"}]}";
	cr_assert_lt(img_manifest_parse(bad, strlen(bad), "manifest " D1, &m, &err), 0);
	cr_assert_str_eq(err->msg, "manifest " D1 ": layers[0].size: required, missing");
	lv_err_free(err);
}

Test(image_json, config)
{
	const char *j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1000:1000\","
			"\"Env\":[\"A=1\"],\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"x\"],\"WorkingDir\":\"/w\","
			"\"Labels\":{\"k\":\"v\"},\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},"
			"\"StopSignal\":\"SIGTERM\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
	lv_error *err = NULL;
	img_config *c = NULL;
	cr_assert_eq(img_config_parse(j, strlen(j), "config", &c, &err), 0);
	cr_assert_str_eq(c->config.user, "1000:1000");
	cr_assert_str_eq(c->config.cmd.v[1], "x");
	cr_assert_null(c->config.cmd.v[2]);
	cr_assert_str_eq(c->config.exposed_ports.v[0], "80/tcp");
	cr_assert_str_eq(c->config.volumes.v[0], "/data");
	cr_assert_str_eq(img_map_get(&c->config.labels, "k"), "v");
	cr_assert_str_eq(c->diff_ids.v[0], D1);
	img_config_free(c);

	const char *bad = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\",2]},"
			  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	cr_assert_lt(img_config_parse(bad, strlen(bad), "config", &c, &err), 0);
	cr_assert_str_eq(err->msg, "config: config.Env[1]: expected a string, got a number");
	lv_err_freep(&err);

	const char *bad2 = "{\"architecture\":\"amd64\",\"os\":\"linux\","
			   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:00\"]}}";
	cr_assert_lt(img_config_parse(bad2, strlen(bad2), "config", &c, &err), 0);
	cr_assert_str_eq(err->msg, "config: rootfs.diff_ids[0]: invalid digest \"sha256:00\": "
				   "expected 64 lowercase hex digits");
	lv_err_freep(&err);

	const char *bad3 = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"x\",\"diff_ids\":[]}}";
	cr_assert_lt(img_config_parse(bad3, strlen(bad3), "config", &c, &err), 0);
	cr_assert_str_eq(err->msg, "config: rootfs.type: expected \"layers\", got \"x\"");
	lv_err_freep(&err);
}

Test(image_json, docker_manifest)
{
	const char *j = "[{\"Config\":\"abc.json\",\"RepoTags\":[\"docker.io/library/bb:latest\"],"
			"\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]";
	lv_error *err = NULL;
	img_docker_manifest *m = NULL;
	cr_assert_eq(img_docker_manifest_parse(j, strlen(j), "manifest.json", &m, &err), 0);
	cr_assert_eq(m->n, 1);
	cr_assert_str_eq(m->v[0].layers.v[1], "l2/layer.tar");
	img_docker_manifest_free(m);

	const char *bad = "[{\"Config\":\"abc.json\",\"Layers\":[1]}]";
	cr_assert_lt(img_docker_manifest_parse(bad, strlen(bad), "manifest.json", &m, &err), 0);
	cr_assert_str_eq(err->msg, "manifest.json: [0].Layers[0]: expected a string, got a number");
	lv_err_free(err);
}

Test(image_json, digest_split)
{
	const char *algo, *hex;
	lv_error *err = NULL;
	cr_assert_eq(img_digest_split(D1, &algo, &hex, &err), 0);
	cr_assert_str_eq(algo, "sha256");
	cr_assert_str_eq(hex, D1 + 7);
	cr_assert_lt(img_digest_split("sha512:abcd", &algo, &hex, &err), 0);
	cr_assert_str_eq(err->msg, "invalid digest \"sha512:abcd\": expected 128 lowercase hex digits");
	lv_err_free(err);
}
