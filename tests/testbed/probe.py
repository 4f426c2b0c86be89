# -*- coding: utf-8 -*-
"""Key availability probe: a round trip (Encrypt, then Decrypt of that ciphertext) through one KMS key
every INTERVAL seconds, beside a playbook or a test, each call recorded; then, for any time range, the
failed calls and how long the key was unusable.

    python -m testbed.probe start --state-dir DIR --log FILE (--key-id ID | --store-id ID [--xks-key-id ID])
                                  [--interval 0.075]
    python -m testbed.probe stop  --log FILE [--retire-key]
    python -m testbed.probe summary --log FILE [--since T] [--until T] [--window-start T --window-end T [--window-slack S]]

`start` (with --store-id: first creates a KMS key in that store, for the external key --xks-key-id)
runs the probe in the background, waits for its first successful round trip and prints
{"key_id", "pid"}; `stop` ends it (--retire-key: schedules the key's deletion and ends the waiting
period at once, so that its store can be deleted) and prints the summary. Times are epoch seconds
(the clock of the emulator's call log). The log (FILE) is JSON lines, one per call:
{"operation", "time" (sent), "end", "ok"[, "error", "message"]}; FILE.pid holds the probe's process id.

It uses plain boto3 with the test bed's dummy credentials and default Region, no retries: a call
that fails is a call an application would have seen fail.
"""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time

from botocore.exceptions import BotoCoreError, ClientError

from .client import EmulatorAdmin
from .kms import kms_client, wait_for
from .launcher import child_env, load_state

DEFAULT_INTERVAL = 0.075
PLAINTEXT = b"kms.xks availability probe"
CONTEXT = {"probe": "kms.xks"}
START_TIMEOUT = 15.0
# Deletion needs a waiting period of 7 to 30 days; the test bed ends it on request.
PENDING_WINDOW_DAYS = 7


def _call(client, operation, **arguments):
    """(record, answer) of one KMS call; the answer is None when it failed."""
    began = time.time()
    try:
        answer = getattr(client, operation)(**arguments)
        return {"operation": operation, "time": began, "end": time.time(), "ok": True}, answer
    except ClientError as exc:
        detail = exc.response.get("Error", {})
        error, message = detail.get("Code", "ClientError"), detail.get("Message", "")
    except BotoCoreError as exc:
        error, message = type(exc).__name__, str(exc)
    return {"operation": operation, "time": began, "end": time.time(), "ok": False, "error": error, "message": message}, None


def round_trip(client, key_id):
    """Encrypt, then Decrypt what came back (unless Encrypt failed): the records of the calls made."""
    record, answer = _call(client, "encrypt", KeyId=key_id, Plaintext=PLAINTEXT, EncryptionContext=CONTEXT)
    records = [dict(record, operation="Encrypt")]
    if answer is not None:
        record, answer = _call(client, "decrypt", CiphertextBlob=answer["CiphertextBlob"], EncryptionContext=CONTEXT)
        if answer is not None and answer["Plaintext"] != PLAINTEXT:
            record = dict(record, ok=False, error="WrongPlaintext")
        records.append(dict(record, operation="Decrypt"))
    return records


def run(bed, key_id, log_path, interval, should_stop):
    """Probe until should_stop() is true; every call is appended to log_path at once."""
    client = kms_client(bed)
    with open(log_path, "a", encoding="utf-8") as log:
        while not should_stop():
            began = time.monotonic()
            for record in round_trip(client, key_id):
                log.write(json.dumps(record) + "\n")
            log.flush()
            time.sleep(max(0.0, interval - (time.monotonic() - began)))


def read_log(log_path):
    with open(log_path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def unusable_periods(records):
    """[(from, to)]: from the first failed call of a run of failures to the next call that succeeded
    (to the last failed call's end when none did)."""
    periods, began = [], None
    for record in sorted(records, key=lambda entry: entry["time"]):
        if not record["ok"] and began is None:
            began = record["time"]
        elif record["ok"] and began is not None:
            periods.append((began, record["time"]))
            began = None
    if began is not None:
        periods.append((began, max(record["end"] for record in records)))
    return periods


def summary(records, since=None, until=None, window=None):
    """What the probe saw in [since, until]: calls, failed calls, errors, the unusable periods and their
    total; with `window` (start, end), also the failed calls outside it."""
    chosen = [record for record in records if (since is None or record["time"] >= since) and (until is None or record["time"] <= until)]
    failed = [record for record in chosen if not record["ok"]]
    periods = unusable_periods(chosen)
    gaps = [later["time"] - earlier["time"] for earlier, later in zip(chosen, chosen[1:]) if later["operation"] == "Encrypt"]
    result = {
        "calls": len(chosen),
        "failed_calls": len(failed),
        "errors": sorted({record["error"] for record in failed}),
        # KMS's words for each failure (a timeout and a disconnected store share one error code).
        "messages": sorted({record.get("message", "") for record in failed}),
        "unusable_seconds": round(sum(end - start for start, end in periods), 3),
        "unusable_periods": [{"from": start, "to": end} for start, end in periods],
        "first_failure": failed[0]["time"] if failed else None,
        "last_failure": failed[-1]["time"] if failed else None,
        "max_gap_seconds": round(max(gaps), 3) if gaps else None,
    }
    if window is not None:
        result["failed_outside_window"] = sum(1 for record in failed if not window[0] <= record["time"] <= window[1])
    return result


def create_key(bed, store_id, xks_key_id):
    """A KMS key in the store, once it is CONNECTED (KMS creates keys only in a connected store)."""
    if wait_for(kms_client(bed, retries=5), store_id, ("CONNECTED", "FAILED", "DISCONNECTED"))["ConnectionState"] != "CONNECTED":
        raise SystemExit("probe: custom key store %s is not connected" % store_id)
    key = kms_client(bed).create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id,
                                     Description="kms.xks availability probe")
    return key["KeyMetadata"]["KeyId"]


def retire_key(bed, key_id):
    """Schedule the key's deletion and end its waiting period now (the test bed's admin API)."""
    kms_client(bed).schedule_key_deletion(KeyId=key_id, PendingWindowInDays=PENDING_WINDOW_DAYS)
    EmulatorAdmin(bed["emulator_admin_url"]).purge_pending_deletion()


def _pid_file(log_path):
    return log_path + ".pid"


def _start(args):
    bed = load_state(args.state_dir)
    key_id = args.key_id or create_key(bed, args.store_id, args.xks_key_id)
    with open(args.log, "w", encoding="utf-8"):
        pass  # an empty log: the probe appends to it
    command = [sys.executable, "-m", "testbed.probe", "_run", "--state-dir", args.state_dir, "--log", args.log,
               "--key-id", key_id, "--interval", str(args.interval)]
    # Detached, with no descriptor of ours: the caller (an Ansible task) returns at once.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                               stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True, env=child_env())
    with open(_pid_file(args.log), "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT
    while not any(record["ok"] and record["operation"] == "Decrypt" for record in read_log(args.log)):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("probe: no successful round trip through %s within %.0f s" % (key_id, START_TIMEOUT))
        time.sleep(0.05)
    print(json.dumps({"key_id": key_id, "pid": process.pid}))


def _stop(args):
    with open(_pid_file(args.log), encoding="utf-8") as handle:
        pid = int(handle.read().strip())
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.05)
    except ProcessLookupError:
        pass
    os.unlink(_pid_file(args.log))
    if args.retire_key:
        bed = load_state(args.state_dir)
        retire_key(bed, args.key_id)
    print(json.dumps(summary(read_log(args.log))))


def _run(args):
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    run(load_state(args.state_dir), args.key_id, args.log, args.interval, lambda: bool(stopping))


def moment(text):
    """Epoch seconds from epoch seconds or an ISO 8601 UTC time (as the module's timeline gives it)."""
    try:
        return float(text)
    except ValueError:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _summary(args):
    window = None
    if args.window_start is not None:
        window = (args.window_start - args.window_slack, args.window_end + args.window_slack)
    print(json.dumps(summary(read_log(args.log), args.since, args.until, window)))


def _parser():
    parser = argparse.ArgumentParser(prog="python -m testbed.probe", description="Key availability probe (see the module's docstring).")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start")
    start.add_argument("--state-dir", required=True)
    start.add_argument("--log", required=True)
    which = start.add_mutually_exclusive_group(required=True)
    which.add_argument("--key-id")
    which.add_argument("--store-id")
    start.add_argument("--xks-key-id", default="xks-key-1")
    start.add_argument("--interval", type=float, default=DEFAULT_INTERVAL)
    stop = commands.add_parser("stop")
    stop.add_argument("--log", required=True)
    stop.add_argument("--retire-key", action="store_true")
    stop.add_argument("--state-dir")
    stop.add_argument("--key-id")
    run_cmd = commands.add_parser("_run")
    run_cmd.add_argument("--state-dir", required=True)
    run_cmd.add_argument("--log", required=True)
    run_cmd.add_argument("--key-id", required=True)
    run_cmd.add_argument("--interval", type=float, default=DEFAULT_INTERVAL)
    summary_cmd = commands.add_parser("summary")
    summary_cmd.add_argument("--log", required=True)
    for name in ("--since", "--until", "--window-start", "--window-end"):
        summary_cmd.add_argument(name, type=moment)
    summary_cmd.add_argument("--window-slack", type=float, default=0.0,
                             help="seconds to widen the window by on each side (a module records a transition when its call returns)")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "stop" and args.retire_key and not (args.state_dir and args.key_id):
        raise SystemExit("probe: --retire-key needs --state-dir and --key-id")
    {"start": _start, "stop": _stop, "_run": _run, "summary": _summary}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
