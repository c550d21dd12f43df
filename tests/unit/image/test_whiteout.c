/* Whiteout names, archive path normalisation, platforms, media types. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/image/image.h"

static void classify(const char *path, int want, const char *want_target)
{
	char *target = NULL;
	lv_error *err = NULL;
	int k = img_whiteout_classify(path, &target, &err);
	cr_assert_eq(k, want, "%s: got %d", path, k);
	if (want_target)
		cr_assert_str_eq(target, want_target, "%s", path);
	else
		cr_assert_null(target);
	free(target);
}

Test(whiteout, classify)
{
	classify("etc/passwd", IMG_ENTRY_PLAIN, NULL);
	classify("etc/.wh.passwd", IMG_ENTRY_WHITEOUT, "etc/passwd");
	classify(".wh.top", IMG_ENTRY_WHITEOUT, "top");
	classify("a/b/.wh..hidden", IMG_ENTRY_WHITEOUT, "a/b/.hidden");
	classify("a/.wh..wh..opq", IMG_ENTRY_OPAQUE, "a");
	classify(".wh..wh..opq", IMG_ENTRY_OPAQUE, "");
	classify("a/.whx", IMG_ENTRY_PLAIN, NULL);
	classify("a.wh.b", IMG_ENTRY_PLAIN, NULL);
}

static void classify_err(const char *path, const char *msg)
{
	char *target = NULL;
	lv_error *err = NULL;
	cr_assert_lt(img_whiteout_classify(path, &target, &err), 0, "%s", path);
	cr_assert_str_eq(err->msg, msg);
	lv_err_free(err);
}

Test(whiteout, invalid)
{
	classify_err("a/.wh.", "invalid whiteout \"a/.wh.\"");
	classify_err("a/.wh..", "invalid whiteout \"a/.wh..\"");
	classify_err("a/.wh...", "invalid whiteout \"a/.wh...\"");
	classify_err("a/.wh..wh.other", "invalid whiteout \"a/.wh..wh.other\"");
}

static void norm(const char *in, const char *want)
{
	char *out = NULL;
	lv_error *err = NULL;
	cr_assert_eq(img_path_normalise(in, &out, &err), 0);
	cr_assert_str_eq(out, want, "\"%s\" -> \"%s\"", in, out);
	free(out);
}

Test(whiteout, normalise)
{
	norm("./etc/passwd", "etc/passwd");
	norm("/etc//passwd", "etc/passwd");
	norm("./", "");
	norm(".", "");
	norm("etc/./x/", "etc/x");
	norm("../../etc/passwd", "etc/passwd");
	norm("a/../../b", "b");
	norm("a/b/../c", "a/c");
	norm("/..", "");
	norm("a/..", "");
	norm("..a/b..", "..a/b..");
}

Test(platform, parse_and_match)
{
	img_platform want, have;
	lv_error *err = NULL;
	cr_assert_eq(img_platform_parse("linux/arm64/v8", &want, &err), 0);
	cr_assert_str_eq(want.os, "linux");
	cr_assert_str_eq(want.architecture, "arm64");
	cr_assert_str_eq(want.variant, "v8");
	cr_assert_eq(img_platform_parse("linux/arm64", &have, &err), 0);
	cr_assert(img_platform_match(&want, &have));
	img_platform_clear(&have);
	cr_assert_eq(img_platform_parse("linux/arm64/v7", &have, &err), 0);
	cr_assert_not(img_platform_match(&want, &have));
	img_platform_clear(&have);
	cr_assert_eq(img_platform_parse("windows/arm64", &have, &err), 0);
	cr_assert_not(img_platform_match(&want, &have));
	img_platform_clear(&have);
	img_platform_clear(&want);

	const char *bad[] = { "linux", "linux/", "/amd64", "linux//v8", "linux/arm/v7/x", "linux/arm/" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_lt(img_platform_parse(bad[i], &want, &err), 0, "%s", bad[i]);
		char msg[128];
		snprintf(msg, sizeof(msg), "invalid platform \"%s\": expected os/arch[/variant]", bad[i]);
		cr_assert_str_eq(err->msg, msg);
		lv_err_freep(&err);
	}
	cr_assert_eq(img_platform_host(&want, &err), 0);
	cr_assert_str_eq(want.os, "linux");
	img_platform_clear(&want);
}

Test(media_types, compression)
{
	int c;
	lv_error *err = NULL;
	cr_assert_eq(img_layer_compression("application/vnd.oci.image.layer.v1.tar", &c, &err), 0);
	cr_assert_eq(c, IMG_COMP_NONE);
	cr_assert_eq(img_layer_compression("application/vnd.oci.image.layer.v1.tar+zstd", &c, &err), 0);
	cr_assert_eq(c, IMG_COMP_ZSTD);
	cr_assert_eq(img_layer_compression("application/vnd.docker.image.rootfs.diff.tar.gzip", &c, &err), 0);
	cr_assert_eq(c, IMG_COMP_GZIP);
	cr_assert_lt(img_layer_compression("application/vnd.oci.image.layer.v1.tar+bzip2", &c, &err), 0);
	cr_assert_str_eq(err->msg, "unsupported layer media type \"application/vnd.oci.image.layer.v1.tar+bzip2\"");
	lv_err_free(err);
}
