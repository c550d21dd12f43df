/* `lieve image ...` in the runtime binary: hands the whole command line to
 * lieve-image, which links the image libraries the runtime does without. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image/cmd_image.h"
#include "lieve-config.h"

/* Beside our own binary first (a build tree), then where it is installed. */
static int find_helper(char *path, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(path, size, "%s/lieve-image", dirname(self));
		if (access(path, X_OK) == 0)
			return 0;
	}
	snprintf(path, size, "%s/lieve-image", LIEVE_LIBEXECDIR);
	return access(path, X_OK);
}

int cmd_image(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	char helper[PATH_MAX];
	if (find_helper(helper, sizeof(helper)) < 0)
		return lv_err(err, ENOENT, "image: cannot find lieve-image (looked beside lieve and in %s)",
			      LIEVE_LIBEXECDIR);
	execv(helper, cli_main_argv);
	return lv_err(err, errno, "image: exec \"%s\"", helper);
}
