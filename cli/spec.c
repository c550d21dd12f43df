/* `lieve spec [--bundle DIR] [--rootless]`: writes a starter config.json. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "spec/config.h"
#include "src/util/cleanup.h"

static int write_new_file(const char *bundle, const char *data, size_t len,
			  lv_error **err)
{
	_cleanup_close_ int dir = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return lv_err(err, errno, "open bundle \"%s\"", bundle);
	/* O_EXCL: an existing config.json is never overwritten, even in a race. */
	_cleanup_close_ int fd = openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL |
							  O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 && errno == EEXIST)
		return lv_err(err, 0, "File config.json exists. Remove it first.");
	if (fd < 0)
		return lv_err(err, errno, "create \"%s/config.json\"", bundle);
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			unlinkat(dir, "config.json", 0);
			return lv_err(err, saved, "write \"%s/config.json\"", bundle);
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int cmd_spec(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"spec", "create a new specification file", "",
		"The spec command creates the new specification file named \"config.json\" for\n"
		"the bundle.\n\n"
		"The spec generated is just a starter file. Editing of the spec is required to\n"
		"achieve desired results. For example, the newly generated spec includes an args\n"
		"parameter that is initially set to call the \"sh\" command when the container is\n"
		"started.\n\n"
		"Pass --rootless to generate a configuration for a rootless container: a user\n"
		"namespace mapping the caller's uid and gid, and no settings an unprivileged\n"
		"user cannot apply.",
	};
	const char *bundle = NULL;
	bool rootless = false;
	const cli_opt opts[] = {
		{ "bundle", "b", CLI_STRING, &bundle, "path to the root of the bundle directory" },
		{ "rootless", NULL, CLI_BOOL, &rootless,
		  "generate a configuration for a rootless container" },
		{ 0 },
	};
	(void)ctx;
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 0, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	if (!bundle || !*bundle)
		bundle = ".";
	_cleanup_config_ spec_config *cfg = NULL;
	_cleanup_free_ char *json = NULL;
	size_t len;
	if (spec_config_default(rootless, geteuid(), getegid(), &cfg, err) < 0 ||
	    spec_config_write(cfg, &json, &len, err) < 0 ||
	    write_new_file(bundle, json, len, err) < 0)
		return CLI_EXIT_FAILURE;
	return 0;
}
