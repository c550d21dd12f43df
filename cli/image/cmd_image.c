#include "cli/image/cmd_image.h"

int cmd_image(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	lv_err(err, 0, "image: not implemented yet");
	return 1;
}
