#!/usr/bin/env python3
"""READERS clients scrape http://127.0.0.1:PORT/metrics at once without compression, each on a socket with
a 4 KiB receive buffer and reading at most RATE bytes per second, for at most SECONDS; then they all
close. Prints one line: how many got 200 and 503, how many the server cut off (and after how long), how
many read the whole body, and the bytes read. Loopback only; bounded in clients and time.
  slow_readers.py PORT READERS RATE SECONDS"""
import asyncio
import socket
import sys
import time

port, readers, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + seconds
results = []


async def reader():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    status, body, length, outcome, start = 0, 0, None, "open", time.monotonic()
    try:
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 1024), max(0.1, deadline - time.monotonic()))
            if not chunk:
                raise ConnectionResetError
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        if status != 200:
            outcome = "refused"
            return
        length = next(int(l.split(":", 1)[1]) for l in lines if l.lower().startswith("content-length:"))
        body = len(rest)
        # RATE bytes per second, in ten reads a second.
        while body < length and time.monotonic() < deadline:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, max(1, rate // 10)), max(0.1, deadline - time.monotonic()))
            if not chunk:
                raise ConnectionResetError
            body += len(chunk)
            await asyncio.sleep(0.1)
        outcome = "whole" if body >= length else "open"
    except (ConnectionError, OSError):
        outcome = "cut"
    except asyncio.TimeoutError:
        outcome = "open"
    finally:
        sock.close()
        results.append((status, outcome, body, time.monotonic() - start))


async def main():
    await asyncio.gather(*(reader() for _ in range(readers)))


asyncio.run(main())
def cut_times():
    times = sorted(r[3] for r in results if r[0] == 200 and r[1] == "cut")
    return f"min {times[0]:.0f}, median {times[len(times) // 2]:.0f}, max {times[-1]:.0f}" if times else "none"


count = lambda f: sum(1 for r in results if f(r))
print(f"readers {readers}: status 200 {count(lambda r: r[0] == 200)}, 503 {count(lambda r: r[0] == 503)}, "
      f"other {count(lambda r: r[0] not in (200, 503))}; 200s cut off by the server {count(lambda r: r[0] == 200 and r[1] == 'cut')}, "
      f"read whole {count(lambda r: r[0] == 200 and r[1] == 'whole')}, still reading at the end {count(lambda r: r[0] == 200 and r[1] == 'open')}; "
      f"body bytes read {sum(r[2] for r in results)}; seconds until cut off: {cut_times()}")
