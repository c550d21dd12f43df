/* `lieve image ...`: the image subcommands (unpack, run, ...). */
#ifndef LIEVE_CLI_IMAGE_H
#define LIEVE_CLI_IMAGE_H

#include "src/lifecycle.h"

/* argv[0] is "image".  Returns the process exit status; on failure fills *err
 * (the dispatcher prints and logs it). */
int cmd_image(const lv_context *ctx, int argc, char **argv, lv_error **err);

#endif
