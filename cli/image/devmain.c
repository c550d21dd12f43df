/* lieve-image: `lieve image` as a stand-alone binary, for the integration
 * tests until the top-level dispatcher (cli/main.c) routes `lieve image`.
 * Usage: lieve-image [--root DIR] image COMMAND ... */
#include <stdio.h>
#include <string.h>

#include "cli/image/cmd_image.h"
#include "lieve-config.h"

int main(int argc, char **argv)
{
	lv_context ctx = { .root = LIEVE_DEFAULT_ROOT };
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "--root") == 0) {
		ctx.root = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "image") != 0) {
		fputs("usage: lieve-image [--root DIR] image COMMAND ...\n", stderr);
		return 2;
	}
	_cleanup_error_ lv_error *err = NULL;
	int st = cmd_image(&ctx, argc - i, argv + i, &err);
	if (err)
		fprintf(stderr, "lieve: %s\n", err->msg);
	return st;
}
