"""Keep one demo process alive: `python -m approvalmax.demo.respawn <command…>` runs the command
and starts it again whenever it dies, until it is told to stop (honcho's SIGTERM, or Ctrl-C).

`make run` supervises the worker and beat with it, so a killed worker is back within seconds
instead of leaving approved requests to wait for someone to restart the demo."""

import signal
import subprocess
import sys
import time

RESTART_PAUSE_SECONDS = 2.0


def main(command: list[str]) -> int:
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        child = subprocess.Popen(command, start_new_session=True)
        code = child.wait()
        if stopping:
            return code
        print(f"respawn: {command[0]} exited with {code}; starting it again in {RESTART_PAUSE_SECONDS:.0f} s.",
              file=sys.stderr, flush=True)
        time.sleep(RESTART_PAUSE_SECONDS)
        if stopping:
            return code


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m approvalmax.demo.respawn <command> [args…]")
    sys.exit(main(sys.argv[1:]))
