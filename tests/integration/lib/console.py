"""A --console-socket receiver: the runtime connects and sends the pty master
over SCM_RIGHTS; the test reads and writes the container's terminal through it."""
import os
import select
import shutil
import socket
import tempfile
import threading
import time


class ConsoleReceiver:
    def __init__(self):
        # sun_path is 108 bytes: keep it short, whatever tmp_path is.
        self.dir = tempfile.mkdtemp(prefix="lv-cs-", dir="/tmp")
        self.path = os.path.join(self.dir, "sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(4)
        self.masters = []
        self.messages = []
        self.errors = []
        self._got = threading.Condition()
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                r, _, _ = select.select([self.sock], [], [], 0.05)
                if not r:
                    continue
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                with conn:
                    msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
                with self._got:
                    self.messages.append(msg)
                    self.masters.extend(fds)
                    self._got.notify_all()
            except Exception as e:  # reported by master()
                with self._got:
                    self.errors.append(e)
                    self._got.notify_all()

    def master(self, index=0, timeout=10.0):
        """The index-th pty master fd received (waits for it)."""
        deadline = time.monotonic() + timeout
        with self._got:
            while len(self.masters) <= index:
                if self.errors:
                    raise AssertionError(f"console socket: {self.errors[-1]!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no pty master received on the console socket")
                self._got.wait(left)
            return self.masters[index]

    def write(self, data, index=0):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.master(index), data)

    def read_until(self, needle, timeout=10.0, index=0):
        """Read from the master until `needle` appears; returns all text read."""
        fd = self.master(index)
        if isinstance(needle, str):
            needle = needle.encode()
        buf = b""
        deadline = time.monotonic() + timeout
        while needle not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} not seen on the console; got {buf!r}")
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the slave side is closed
                chunk = b""
            if not chunk:
                raise AssertionError(f"console closed before {needle!r}; got {buf!r}")
            buf += chunk
        return buf.decode(errors="replace")

    def close(self):
        self._stop = True
        try:
            self.sock.close()
        except OSError:
            pass
        self.thread.join(timeout=2)
        for fd in self.masters:
            try:
                os.close(fd)
            except OSError:
                pass
        self.masters = []
        shutil.rmtree(self.dir, ignore_errors=True)
