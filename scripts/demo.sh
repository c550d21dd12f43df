#!/bin/sh
# Set-up command 1: installs the build dependencies, builds lieve, and runs a
# demo container (busybox from Debian's busybox-static) in a private mount
# namespace, so the host's mounts are never touched.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (containers need it)" >&2; exit 1; }
scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

demo=$(mktemp -d /tmp/lieve-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/rootfs/bin" "$demo/rootfs/proc" "$demo/rootfs/sys" "$demo/rootfs/dev" \
	"$demo/rootfs/tmp" "$demo/rootfs/etc"
cp /bin/busybox "$demo/rootfs/bin/busybox"
for a in sh echo hostname id cat ps uname ls; do ln -s busybox "$demo/rootfs/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" > "$demo/rootfs/etc/passwd"
cd "$demo"
"$repo/build/cli/lieve" spec
# Non-interactive, and a command that shows it is isolated.
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's|"sh"|"sh", "-c", "echo hello from $(hostname), I am pid $$ and see:; ps"|' config.json
exec unshare --mount --propagation private \
	"$repo/build/cli/lieve" --root "$demo/state" run "demo-$$"
