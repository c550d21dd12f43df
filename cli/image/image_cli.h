/* Internal to cli/image. */
#ifndef LIEVE_CLI_IMAGE_CLI_H
#define LIEVE_CLI_IMAGE_CLI_H

#include "src/lifecycle.h"

/* `lieve image run`: argv[0] is "run". */
int cmd_image_run(const lv_context *ctx, int argc, char **argv, lv_error **err);

#endif
