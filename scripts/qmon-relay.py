#!/usr/bin/env python3
"""Relay QEMU monitor commands from the guest (scripts/guest/qmon) to QMP.

The guest writes one HMP command line to its third serial port; QEMU hands
it to this relay over a UNIX socket; the relay runs it through QMP's
human-monitor-command and writes the reply back, ended by "@@wren-done"
(or "@@wren-error").  Usage: qmon-relay.py SERIAL_SOCKET QMP_SOCKET
"""
import json
import os
import socket
import sys
import time


def connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class Qmp:
    def __init__(self, path, deadline):
        self.sock = connect(path, deadline)
        self.buf = b""
        self.read_msg()  # greeting
        self.call("qmp_capabilities")

    def read_msg(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.read_msg()
            if "return" in reply or "error" in reply:
                return reply


def main():
    serial_path, qmp_path = sys.argv[1], sys.argv[2]
    deadline = time.time() + 30
    serial = connect(serial_path, deadline)
    qmp = Qmp(qmp_path, deadline)
    buf = b""
    while True:
        try:
            data = serial.recv(4096)
        except OSError:
            return
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            cmd = line.decode(errors="replace").strip()
            if not cmd:
                continue
            reply = qmp.call("human-monitor-command", **{"command-line": cmd})
            if "return" in reply:
                text = reply["return"].replace("\r", "")
                end = "@@wren-done"
            else:
                text = reply["error"].get("desc", "error") + "\n"
                end = "@@wren-error"
            out = text if text.endswith("\n") or not text else text + "\n"
            serial.sendall((out + end + "\n").encode())


if __name__ == "__main__":
    try:
        main()
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    os._exit(0)
