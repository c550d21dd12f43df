/* `lieve image ...`: unpack an image into a bundle, or run a dev environment. */
#include "cli/image/cmd_image.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/image/image_cli.h"
#include "src/image/image.h"

static const char image_usage[] =
	"usage: lieve image COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  unpack [--platform OS/ARCH[/VARIANT]] [--store DIR] IMAGE BUNDLE\n"
	"      write BUNDLE/rootfs and BUNDLE/config.json from an image\n"
	"      (with --store: BUNDLE/rootfs is an overlay of the store's layers)\n"
	"  run [OPTIONS] IMAGE [--] [COMMAND...]\n"
	"      run a dev environment from an image (see `lieve image run --help`)\n"
	"\n"
	"IMAGE: DIR[:NAME] (OCI layout), oci:DIR[:NAME], oci-archive:FILE[:NAME],\n"
	"       docker-archive:FILE[:TAG], or FILE[:NAME] (archive kind detected)\n";

static const char unpack_usage[] =
	"usage: lieve image unpack [--platform OS/ARCH[/VARIANT]] [--store DIR] IMAGE BUNDLE\n";

static int cmd_unpack(int argc, char **argv, lv_error **err)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "store", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *platform = NULL, *store = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			platform = optarg;
			break;
		case 's':
			store = optarg;
			break;
		case 'h':
			fputs(unpack_usage, stdout);
			return 0;
		default:
			lv_err(err, 0, "image unpack: unknown or incomplete option \"%s\"",
			       argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 2) {
		lv_err(err, 0, "image unpack: expected IMAGE and BUNDLE (%s)", "see --help");
		return 2;
	}
	int r = store ? img_unpack_bundle_store(argv[optind], platform, store,
						argv[optind + 1], err)
		      : img_unpack_bundle(argv[optind], platform, argv[optind + 1], err);
	return r < 0 ? 1 : 0;
}

int cmd_image(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(image_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "unpack") == 0)
		return cmd_unpack(argc - 1, argv + 1, err);
	if (strcmp(argv[1], "run") == 0)
		return cmd_image_run(ctx, argc - 1, argv + 1, err);
	lv_err(err, 0, "image: unknown command \"%s\" (see `lieve image --help`)", argv[1]);
	return 2;
}
