#!/usr/bin/python3
"""fake_redis.py - a hostile RESP server for tests/integration/test_fleet_hostile.sh.

    fake_redis.py MODE PORTFILE LOGFILE

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening),
one thread per connection, stdlib only.  AUTH, SELECT answer +OK.  Each
command's name (never its arguments: they hold the password and sealed
values) is appended to LOGFILE, one a line; the test counts them.  MODE
says how every other command is answered:

    trickle   "$1000000\\r\\n", then one byte every 200 ms (a slow loris)
    huge      "$1500000000\\r\\n", then bytes as fast as the client takes
              them; LOGFILE gets "SENT <bytes>" when the client goes away
    bigarray  an array of 5000 integers (20 kB: under any byte cap)
    scanloop  SCAN: cursor "1" and no keys, forever; GET: nil
    flood     GET: nil; SET ... NX: nil (another machine holds the lock);
              SUBSCRIBE: the acknowledgement, then "message"s on that
              channel as fast as the client takes them
    nowrite   GET: nil; SET ... NX: +OK (the lock is ours); SET without NX
              (the entry): -OOM; EVALSHA/EVAL: :1; PUBLISH: :0
"""
import socket
import sys
import threading
import time


def read_command(f):
    """One RESP array of bulk strings, as a list of bytes; None at EOF."""
    line = f.readline()
    if not line:
        return None
    if not line.startswith(b"*"):
        return [w for w in line.split()]  # inline command
    args = []
    for _ in range(int(line[1:])):
        n = int(f.readline()[1:])
        args.append(f.read(n + 2)[:n])
    return args


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


class Conn:
    def __init__(self, mode, sock, log):
        self.mode, self.sock, self.log = mode, sock, log

    def note(self, text):
        with LOCK:
            with open(self.log, "a") as f:
                f.write(text + "\n")

    def send(self, data):
        self.sock.sendall(data)

    def trickle(self):
        self.send(b"$1000000\r\n")
        while True:
            time.sleep(0.2)
            self.send(b"x")

    def huge(self):
        sent = 0
        chunk = b"x" * 65536
        try:
            self.send(b"$1500000000\r\n")
            while sent < 1500000000:
                self.send(chunk)
                sent += len(chunk)
        finally:
            self.note("SENT %d" % sent)

    def flood(self, channel):
        self.send(b"*3\r\n" + bulk(b"subscribe") + bulk(channel) + b":1\r\n")
        msg = b"*3\r\n" + bulk(b"message") + bulk(channel) + bulk(b"written")
        while True:
            self.send(msg * 64)

    def answer(self, args):
        name = args[0].upper()
        nx = any(a.upper() == b"NX" for a in args[3:])
        m = self.mode
        if name in (b"AUTH", b"SELECT"):
            return self.send(b"+OK\r\n")
        if m == "trickle":
            return self.trickle()
        if m == "huge":
            return self.huge()
        if m == "bigarray":
            return self.send(b"*5000\r\n" + b":1\r\n" * 5000)
        if name in (b"GET", b"GETRANGE"):
            return self.send(b"$-1\r\n")
        if m == "scanloop" and name == b"SCAN":
            return self.send(b"*2\r\n" + bulk(b"1") + b"*0\r\n")
        if m == "flood" and name == b"SET":
            return self.send(b"$-1\r\n" if nx else b"+OK\r\n")
        if m == "flood" and name == b"SUBSCRIBE":
            return self.flood(args[1])
        if m == "nowrite" and name == b"SET":
            return self.send(b"+OK\r\n" if nx else b"-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        if name in (b"EVALSHA", b"EVAL"):
            return self.send(b":1\r\n")
        if name == b"PUBLISH":
            return self.send(b":0\r\n")
        return self.send(b"-ERR unknown command\r\n")

    def run(self):
        f = self.sock.makefile("rb")
        try:
            while True:
                args = read_command(f)
                if not args:
                    return
                self.note(args[0].decode("ascii", "replace").upper())
                self.answer(args)
        except (OSError, ValueError):
            return
        finally:
            self.sock.close()


LOCK = threading.Lock()


def main():
    mode, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    open(log, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        sock, _ = srv.accept()
        threading.Thread(target=Conn(mode, sock, log).run, daemon=True).start()


if __name__ == "__main__":
    main()
