#!/usr/bin/env python3
"""Writes seccomp-300.json, the 300-rule profile of the exec benchmark (kept in git; run this
only to change it). An allow-list like Docker's default: every x86_64 syscall of the kernel
headers that libseccomp knows, minus the kernel-administration ones, cut to exactly 300 rules,
one syscall each, for the three x86 ABIs; the default answer is ENOSYS so that glibc falls back
from calls it is denied (clone3 -> clone)."""
import ctypes
import json
import re

lib = ctypes.CDLL("libseccomp.so.2")
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
nrs = []
for line in open("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"):
    m = re.match(r"#define __NR_(\w+) (\d+)", line)
    if m:
        nrs.append((int(m.group(2)), m.group(1)))
nrs.sort()
DROP = set("""_sysctl uselib ustat sysfs vhangup modify_ldt pivot_root adjtimex acct swapon swapoff
reboot sethostname setdomainname iopl ioperm create_module init_module delete_module
get_kernel_syms query_module quotactl nfsservctl getpmsg putpmsg afs_syscall tuxcall security
lookup_dcookie vserver kexec_load kexec_file_load add_key request_key keyctl migrate_pages
perf_event_open fanotify_init open_by_handle_at name_to_handle_at finit_module bpf userfaultfd
clock_adjtime settimeofday mount umount2 unshare setns fsopen fsconfig fsmount fspick
move_mount open_tree mount_setattr quotactl_fd process_vm_readv process_vm_writev ptrace kcmp
set_mempolicy_home_node cachestat fchmodat2 map_shadow_stack""".split())
names = [n for _, n in nrs if n not in DROP and lib.seccomp_syscall_resolve_name(n.encode()) >= 0]
names = names[:300]
assert len(names) == 300, len(names)
profile = {
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [{"names": [n], "action": "SCMP_ACT_ALLOW"} for n in names],
}
with open("seccomp-300.json", "w") as f:
    json.dump(profile, f, indent=1)
    f.write("\n")
