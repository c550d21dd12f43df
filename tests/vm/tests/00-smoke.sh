#!/bin/sh
. /lieve/lib.sh
echo hello from smoke; cat /sys/fs/cgroup/cgroup.controllers
