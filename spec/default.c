/* The configuration `lieve spec` writes: runc's defaults, as JSON.
 *
 * Kept as the JSON text itself (parsed by our own parser) so it reads like
 * the file the user gets.  The rootless variant follows runc's ToRootless:
 * a user namespace mapping the caller's ids, no network namespace, /sys
 * bind-mounted instead of a new sysfs, no devpts gid= option and no cgroup
 * device rules.
 */
#include <stdio.h>

#include "spec/config.h"
#include "src/util/cleanup.h"

static const char default_template[] =
	"{"
	"\"ociVersion\": \"" SPEC_OCI_VERSION "\","
	"\"process\": {"
	"  \"terminal\": true,"
	"  \"user\": {\"uid\": 0, \"gid\": 0},"
	"  \"args\": [\"sh\"],"
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],"
	"  \"cwd\": \"/\","
	"  \"capabilities\": {"
	"    \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"    \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"    \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"    \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"
	"  },"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
	"  \"noNewPrivileges\": true"
	"},"
	"\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	"\"hostname\": \"lieve\","
	"\"mounts\": ["
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s]},"
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
	"  %s,"
	"  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}"
	"],"
	"\"linux\": {"
	"  %s"
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
	"    \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
	"    \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
	"    \"/proc/sysrq-trigger\"]"
	"}"
	"}";

static const char sysfs_mount[] =
	"{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	" \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}";
static const char sysfs_bind[] =
	"{\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","
	" \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}";

static const char linux_root[] =
	"\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	" {\"type\": \"uts\"}, {\"type\": \"mount\"}],";
static const char linux_rootless[] =
	"\"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
	"\"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
	"\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
	" {\"type\": \"mount\"}, {\"type\": \"user\"}],";

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int spec_config_default(bool rootless, uint32_t uid, uint32_t gid, spec_config **out,
			lv_error **err)
{
	_cleanup_free_ char *linux_part = NULL, *json = NULL;
	int r;
	if (rootless)
		r = asprintf(&linux_part, linux_rootless, uid, gid);
	else
		r = asprintf(&linux_part, "%s", linux_root);
	if (r < 0)
		return lv_err(err, ENOMEM, "default configuration");
	r = asprintf(&json, default_template, rootless ? "" : ", \"gid=5\"",
		     rootless ? sysfs_bind : sysfs_mount, linux_part);
	if (r < 0)
		return lv_err(err, ENOMEM, "default configuration");
	return spec_config_parse(json, (size_t)r, "default configuration", out, err);
}
#pragma GCC diagnostic pop
