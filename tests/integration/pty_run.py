#!/usr/bin/python3
"""pty_run.py OUT CMD...: run CMD with its stdin, stdout and stderr on a new
pseudo-terminal, copy everything it writes there to the file OUT (raw bytes:
escape sequences and carriage returns kept), exit with CMD's status.
PTY_COLS=N: the terminal is N columns wide (TIOCSWINSZ)."""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        cols = int(os.environ.get('PTY_COLS', '0'))
        if cols:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, cols, 0, 0))
        os.execvp(cmd[0], cmd)
    data = b''
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        data += chunk
    _, status = os.waitpid(pid, 0)
    with open(out, 'wb') as f:
        f.write(data)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
