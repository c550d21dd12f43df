#!/usr/bin/env python3
"""A minimal seccomp notify agent for the tests.

Listens on a unix socket (linux.seccomp.listenerPath), receives the
containerProcessState JSON with the listener fd (SCM_RIGHTS), records the
JSON as one line of STATE_LOG, and answers every notified mkdir/mkdirat:
  errno:N       fail it with errno N
  fake-success  return 0 without creating anything
Any other notified syscall is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE).

usage: agent.py SOCKET STATE_LOG ANSWER
"""
import fcntl
import json
import os
import select
import socket
import struct
import sys
import threading

NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif): 80 bytes
NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp): 24 bytes
FLAG_CONTINUE = 1
MKDIR_NRS = {83, 258}  # x86_64 mkdir, mkdirat


def serve(fd, answer):
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while True:
        events = poller.poll()
        if any(ev & (select.POLLHUP | select.POLLERR) for _, ev in events):
            break  # every process under the filter is gone
        req = bytearray(80)
        try:
            fcntl.ioctl(fd, NOTIF_RECV, req, True)
        except OSError:
            continue  # the caller died before we looked (ENOENT)
        nid, pid, _flags, nr = struct.unpack_from("<QIIi", req)
        val, err, flags = 0, 0, 0
        if nr not in MKDIR_NRS:
            flags = FLAG_CONTINUE
        elif answer.startswith("errno:"):
            err = -int(answer.split(":")[1])
        resp = struct.pack("<QqiI", nid, val, err, flags)
        try:
            fcntl.ioctl(fd, NOTIF_SEND, bytearray(resp), True)
        except OSError:
            pass
    os.close(fd)


def main():
    path, log, answer = sys.argv[1:4]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        msg, fds, _flags, _addr = socket.recv_fds(conn, 65536, 4)
        conn.close()
        state = json.loads(msg)
        state["_nfds"] = len(fds)
        state["_fd_kind"] = os.readlink(f"/proc/self/fd/{fds[0]}") if fds else None
        with open(log, "a") as f:
            f.write(json.dumps(state) + "\n")
        for extra in fds[1:]:
            os.close(extra)
        if fds:
            threading.Thread(target=serve, args=(fds[0], answer), daemon=True).start()


if __name__ == "__main__":
    main()
