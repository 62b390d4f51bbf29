"""Drill writer: commits synchronously in a loop and prints each acknowledged id.

Usage: patroni-writer.py <dsn>
Prints one line per event on stdout, flushed at once:
  ack <id> <start epoch> <ack epoch> <server port>
  err <epoch> <message>
Stops on SIGTERM. Retries every 100 ms after an error, so a measured outage is
Patroni's, not the writer's.
"""
import signal
import sys
import time

import psycopg2

running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
dsn = sys.argv[1]
conn = None
next_id = 1
while running:
    try:
        if conn is None:
            conn = psycopg2.connect(dsn)
            conn.autocommit = True
        started = time.time()
        with conn.cursor() as cur:
            cur.execute("INSERT INTO drill(id) VALUES (%s) RETURNING inet_server_port()", (next_id,))
            port = cur.fetchone()[0]
        print(f"ack {next_id} {started:.3f} {time.time():.3f} {port}", flush=True)
        next_id += 1
        time.sleep(0.05)
    except Exception as e:  # noqa: BLE001 - every failure means: reconnect and retry
        msg = str(e).strip().replace("\n", " ")[:200]
        print(f"err {time.time():.3f} {msg}", flush=True)
        # An id whose commit failed may still be on the server; it is never reused.
        next_id += 1
        try:
            if conn is not None:
                conn.close()
        except Exception:  # noqa: BLE001
            pass
        conn = None
        time.sleep(0.1)
if conn is not None:
    conn.close()
