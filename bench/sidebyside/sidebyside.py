#!/usr/bin/env python3
"""Side-by-side sync benchmark: Tack, Syncthing and rsync on the same trees (issue 21).

    make bench-sidebyside                        # full sizes (see below); about 30-60 min, ~4 GiB in $TMPDIR
    SMALL=1 bench/sidebyside/sidebyside.py       # small sizes, to try the harness (a few minutes)

What it runs, all on loopback (127.0.0.1) on this machine, on the same generated trees:

  * Tack: `tack serve` (SQLite in a temp data dir) and the `tack sync` agent, both built from this
    tree, the agent talking to the server through a byte-counting TCP proxy (bytes sent = bytes
    the agent wrote towards the server, HTTP headers included).
  * Syncthing: built from the Go module proxy into ~/.cache/tack-bench (never into the repo):
    `go mod download` of github.com/syncthing/syncthing@$SYNCTHING_VERSION, then `go build -tags
    noassets ./cmd/syncthing` in that directory (`go install` refuses the module: it has replace
    directives). Two instances with their own homes; sender folders are send-only, receiver
    folders receive-only. Global/local discovery, relays, NAT, usage reporting, crash reporting
    and upgrades are off; the listen and GUI addresses are 127.0.0.1. Bytes sent: the sender's
    /rest/system/connections outBytesTotal. fsWatcherDelayS=1 (the smallest; default is 10).
  * rsync: `rsync --daemon --no-detach` on a loopback port with a config in the temp dir; bytes
    sent from `rsync --stats` ("Total bytes sent"). rsync has no watcher and no state: its
    save->drive is one rsync run started right after the save, and its "restart" is an rsync run
    over the unchanged tree.

Measurements (full / SMALL=1):
  1. first sync of N_SMALL x 4 KiB files (10,000 / 1,000): seconds until the other side has them
  2. first sync of one BIG_MB MiB file (1024 / 64): seconds
  3. a 1 MiB edit in the middle of that file: bytes sent
  4. save->drive: LAT_N single-file saves (50 / 10), p50 and p95 of write -> visible on the other side
  5. rename of a folder of N_RENAME files (1,000 / 200): bytes sent
  6. restart of a pair of N_MANY files (100,000 / 5,000): seconds from start to "synced"

Every wait is bounded (WAIT_MAX seconds, default 1800; the whole run TOTAL_MAX, default 5400);
every process started is stopped and the temp dir removed on exit. Not part of `make test`.
Env: TACK_BIN (a tack binary to use instead of building this tree), EDIT_SHIFT (bytes after the middle
where the edit starts; 0 = 1 MiB-aligned), SMALL, N_SMALL, BIG_MB, LAT_N, N_RENAME, N_MANY, SYNCTHING_VERSION, TMPDIR, KEEP=1 (keep
the temp dir), ONLY=tack,syncthing,rsync (a subset of the tools), PARTS=small,big,lat,ren,many (a
subset of the measurements: `big` = the 1 GiB first sync and the 1 MiB edit).
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import datetime
import xml.etree.ElementTree as ET

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SMALLRUN = bool(os.environ.get("SMALL"))
N_SMALL = int(os.environ.get("N_SMALL", 1000 if SMALLRUN else 10000))
BIG_MB = int(os.environ.get("BIG_MB", 64 if SMALLRUN else 1024))
LAT_N = int(os.environ.get("LAT_N", 10 if SMALLRUN else 50))
N_RENAME = int(os.environ.get("N_RENAME", 200 if SMALLRUN else 1000))
N_MANY = int(os.environ.get("N_MANY", 5000 if SMALLRUN else 100000))
WAIT_MAX = float(os.environ.get("WAIT_MAX", 1800))
TOTAL_MAX = int(os.environ.get("TOTAL_MAX", 5400))
ST_VERSION = os.environ.get("SYNCTHING_VERSION", "v1.30.0")
RENAME_MAX = int(os.environ.get("RENAME_MAX", 180))
# The edit starts EDIT_SHIFT bytes after the middle: 0 is 1 MiB-aligned, which is Syncthing's best
# case for a 1 GiB file (its blocks are 1 MiB there, so the edit is exactly one block).
EDIT_SHIFT = int(os.environ.get("EDIT_SHIFT", 0))
ONLY = set((os.environ.get("ONLY") or "tack,syncthing,rsync").split(","))
PARTS = set((os.environ.get("PARTS") or "small,big,lat,ren,many").split(","))
if os.environ.get("MANY_ONLY"):  # older spelling of PARTS=many
    PARTS = {"many"}
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "tack-bench")

PROCS = []  # every Popen we started, stopped in cleanup()


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(args, logpath, env=None, **kw):
    f = open(logpath, "ab")
    p = subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True, **kw)
    PROCS.append(p)
    return p


def stop(p, grace=10):
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    if p in PROCS:
        PROCS.remove(p)


def wait_for(cond, what, timeout=None, every=0.05):
    end = time.monotonic() + (timeout or WAIT_MAX)
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise TimeoutError("timed out waiting for " + what)
        time.sleep(every)


def http(method, url, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def ok(fn):
    try:
        return fn()
    except Exception:
        return None


# ---------------------------------------------------------------- data

def make_tree(root, n, size, per_dir=100, seed=1):
    rnd = random.Random(seed)
    for i in range(n):
        d = os.path.join(root, "d%04d" % (i // per_dir))
        if i % per_dir == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
            f.write(rnd.randbytes(size))
    os.makedirs(root, exist_ok=True)


def make_big(path, mb):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        for _ in range(mb):
            f.write(os.urandom(1 << 20))


def edit_middle(path):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(size // 2 + EDIT_SHIFT)
        f.write(os.urandom(1 << 20))


def count_files(root):
    n = 0
    for _, _, files in os.walk(root):
        n += len(files)
    return n


# ---------------------------------------------------------------- counting proxy

class CountingProxy:
    """A loopback TCP proxy counting the bytes the client sends upstream."""

    def __init__(self, upstream_port):
        self.up = upstream_port
        self.sent = 0
        self.lock = threading.Lock()
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(128)
        self.port = self.ls.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(("127.0.0.1", self.up))
            except OSError:
                c.close()
                continue
            threading.Thread(target=self._pump, args=(c, u, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c, False), daemon=True).start()

    def _pump(self, src, dst, count):
        # splice(2) through a pipe: the bytes never enter Python, so the proxy costs the
        # measured tool little CPU (the 1 GiB upload goes through it too).
        pr, pw = os.pipe()
        try:
            while True:
                n = os.splice(src.fileno(), pw, 1 << 20)
                if n == 0:
                    break
                left = n
                while left:
                    left -= os.splice(pr, dst.fileno(), left)
                if count:
                    with self.lock:
                        self.sent += n
        except OSError:
            pass
        finally:
            os.close(pr)
            os.close(pw)
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.ls.close()


def settle(read, quiet=2.0, timeout=None):
    """Waits until read() has not changed for `quiet` seconds; returns its last value."""
    end = time.monotonic() + (timeout or WAIT_MAX)
    last, since = read(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > end:
            raise TimeoutError("counter never settled")
        time.sleep(0.1)
        v = read()
        if v != last:
            last, since = v, time.monotonic()
    return last


def pctl(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


# ---------------------------------------------------------------- Tack

class Tack:
    name = "Tack"

    def __init__(self, work):
        self.work = os.path.join(work, "tack")
        os.makedirs(self.work)
        self.bin = os.path.join(self.work, "tack")
        if os.environ.get("TACK_BIN"):  # a binary built elsewhere (A/B runs of two commits)
            shutil.copy(os.environ["TACK_BIN"], self.bin)
        else:
            log("building tack ...")
            subprocess.run(["go", "build", "-o", self.bin, "."], cwd=REPO, check=True,
                           env=dict(os.environ, CGO_ENABLED="0"))
        self.port = free_port()
        self.srv = start([self.bin, "serve", "--addr", "127.0.0.1:%d" % self.port, "--data-dir",
                          os.path.join(self.work, "server")], os.path.join(self.work, "serve.log"))
        self.base = "http://127.0.0.1:%d" % self.port
        wait_for(lambda: ok(lambda: http("GET", self.base + "/api/v1/healthz") is not None or True), "tack serve", 120)
        setup = http("POST", self.base + "/api/v1/setup", {
            "company_name": "Bench", "admin": {"name": "Bench Admin", "email": "admin@bench.test",
                                               "password": "password123", "phone": "13800000000", "title": "admin"}},
            headers={"X-Tack-Request": "1"})
        self.token = setup["token"]
        spaces = self.api("GET", "/api/v1/drive/spaces")["items"]
        sp = next((s for s in spaces if s.get("kind") == "personal"), spaces[0])
        self.space, self.root = sp["id"], sp["root_id"]
        self.proxy = CountingProxy(self.port)
        self.agents = {}

    def api(self, method, path, body=None):
        return http(method, self.base + path, body, headers={"Authorization": "Bearer " + self.token,
                                                             "X-Tack-Request": "1"})

    def children(self, folder_id):
        out, cur = [], ""
        while True:
            page = self.api("GET", "/api/v1/drive/entries/%s/children?limit=500%s" % (folder_id, "&cursor=" + cur if cur else ""))
            out += page.get("items") or []
            cur = page.get("next_cursor") or ""
            if not cur:
                return out

    def _args(self, key, local):
        return [self.bin, "sync", "--server", "http://127.0.0.1:%d" % self.proxy.port, "--token", self.token,
                "--data-dir", os.path.join(self.work, "agent-" + key)]

    def _folder(self, key):
        if not hasattr(self, "folders"):
            self.folders = {}
        if key not in self.folders:
            self.folders[key] = self.api("POST", "/api/v1/drive/folders", {"parent_id": self.root, "name": key})["id"]
        return self.folders[key]

    def once(self, key, local):
        """One `tack sync --once` of the pair; returns (seconds, bytes sent)."""
        args = self._args(key, local) + ["--once", "--pair", "%s=%s/%s:backup" % (local, self.space, self._folder(key))]
        b0, t0 = self.proxy.sent, time.monotonic()
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=WAIT_MAX)
        dt = time.monotonic() - t0
        out = r.stdout.decode(errors="replace")
        with open(os.path.join(self.work, "agent-%s.log" % key), "a") as f:
            f.write(out)
        if r.returncode != 0 or " synced" not in out:
            raise RuntimeError("tack sync --once %s: exit %d: %s" % (key, r.returncode, out[-600:]))
        return dt, self.proxy.sent - b0

    def first_sync(self, key, local, nfiles):
        return self.once(key, local)

    def resync(self, key, local):
        return self.once(key, local)

    def watch(self, key, local):
        args = self._args(key, local) + ["--pair", "%s=%s/%s:backup" % (local, self.space, self._folder(key))]
        p = start(args, os.path.join(self.work, "agent-%s.log" % key))
        self.agents[key] = p
        return p

    def unwatch(self, key):
        stop(self.agents.pop(key))

    def visible(self, key, name, size):
        items = ok(lambda: self.children(self._folder(key))) or []
        return any(e.get("name") == name and e.get("size", size) == size for e in items)

    def renamed(self, key, old, new, n):
        items = ok(lambda: self.children(self._folder(key))) or []
        names = {e.get("name"): e for e in items}
        if old in names or new not in names:
            return False
        return len(ok(lambda: self.children(names[new]["id"])) or []) == n

    def bytes_sent(self):
        return self.proxy.sent

    def close(self):
        for k in list(self.agents):
            self.unwatch(k)
        stop(self.srv)
        self.proxy.close()


# ---------------------------------------------------------------- Syncthing

def build_syncthing():
    exe = os.path.join(CACHE, "syncthing-" + ST_VERSION)
    if os.path.exists(exe):
        return exe
    os.makedirs(CACHE, exist_ok=True)
    log("downloading and building syncthing %s (module proxy) ..." % ST_VERSION)
    info = json.loads(subprocess.run(["go", "mod", "download", "-json", "github.com/syncthing/syncthing@" + ST_VERSION],
                                     cwd=CACHE, check=True, stdout=subprocess.PIPE).stdout)
    subprocess.run(["go", "build", "-tags", "noassets", "-ldflags", "-X github.com/syncthing/syncthing/lib/build.Version=" + ST_VERSION,
                    "-o", exe + ".tmp", "./cmd/syncthing"], cwd=info["Dir"], check=True,
                   env=dict(os.environ, GOFLAGS="-mod=mod", CGO_ENABLED="0"))
    os.rename(exe + ".tmp", exe)
    return exe


class STNode:
    def __init__(self, exe, home, logpath):
        self.exe, self.home, self.logpath = exe, home, logpath
        self.gui, self.listen = free_port(), free_port()
        self.key = "benchkey" + os.urandom(8).hex()
        env = dict(os.environ, STNODEFAULTFOLDER="1", STNOUPGRADE="1", HOME=home)
        self.env = env
        subprocess.run([exe, "generate", "--home", home, "--no-default-folder"], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cfg = os.path.join(home, "config.xml")
        tree = ET.parse(cfg)
        r = tree.getroot()
        gui = r.find("gui")
        gui.set("tls", "false")
        gui.find("address").text = "127.0.0.1:%d" % self.gui
        k = gui.find("apikey")
        if k is None:
            k = ET.SubElement(gui, "apikey")
        k.text = self.key
        o = r.find("options")
        for tag in list(o.findall("listenAddress")):
            o.remove(tag)
        ET.SubElement(o, "listenAddress").text = "tcp://127.0.0.1:%d" % self.listen
        for tag in list(o.findall("globalAnnounceServer")):
            o.remove(tag)
        ET.SubElement(o, "globalAnnounceServer").text = "127.0.0.1:1"
        for tag, val in {"globalAnnounceEnabled": "false", "localAnnounceEnabled": "false", "relaysEnabled": "false",
                         "natEnabled": "false", "urAccepted": "-1", "urSeen": "3", "urURL": "http://127.0.0.1:1/",
                         "urInitialDelayS": "86400", "autoUpgradeIntervalH": "0", "upgradeToPreReleases": "false",
                         "releasesURL": "http://127.0.0.1:1/", "crashReportingEnabled": "false",
                         "crashReportingURL": "http://127.0.0.1:1/", "startBrowser": "false",
                         "stunServer": "127.0.0.1:1", "stunKeepaliveStartS": "0", "stunKeepaliveMinS": "0",
                         "announceLANAddresses": "false", "setLowPriority": "false"}.items():
            for t in list(o.findall(tag)):
                o.remove(t)
            ET.SubElement(o, tag).text = val
        tree.write(cfg)
        self.start()
        self.id = self.api("GET", "/rest/system/status")["myID"]

    def start(self):
        self.proc = start([self.exe, "serve", "--home", self.home, "--no-browser", "--no-restart",
                           "--no-upgrade", "--logflags=3"], self.logpath, env=self.env)
        wait_for(lambda: ok(lambda: self.api("GET", "/rest/system/ping")), "syncthing REST", 120, 0.2)

    def stop(self):
        stop(self.proc, 30)

    def api(self, method, path, body=None, timeout=60):
        return http(method, "http://127.0.0.1:%d%s" % (self.gui, path), body, headers={"X-API-Key": self.key}, timeout=timeout)


class Syncthing:
    name = "Syncthing"

    def __init__(self, work):
        exe = build_syncthing()
        self.work = os.path.join(work, "syncthing")
        os.makedirs(self.work)
        self.a = STNode(exe, os.path.join(self.work, "home-a"), os.path.join(self.work, "a.log"))
        self.b = STNode(exe, os.path.join(self.work, "home-b"), os.path.join(self.work, "b.log"))
        for me, peer in ((self.a, self.b), (self.b, self.a)):
            me.api("PUT", "/rest/config/devices/" + peer.id, {
                "deviceID": peer.id, "name": "peer", "addresses": ["tcp://127.0.0.1:%d" % peer.listen],
                "compression": "metadata", "autoAcceptFolders": False})
        wait_for(lambda: ok(lambda: self.a.api("GET", "/rest/system/connections")["connections"][self.b.id]["connected"]),
                 "syncthing devices to connect", 120, 0.2)
        self.dst = {}

    def _add(self, key, local, watch):
        dst = os.path.join(self.work, "dst-" + key)
        os.makedirs(dst, exist_ok=True)
        self.dst[key] = dst
        for node, path, ftype, peer in ((self.b, dst, "receiveonly", self.a), (self.a, local, "sendonly", self.b)):
            node.api("PUT", "/rest/config/folders/" + key, {
                "id": key, "label": key, "path": path, "type": ftype,
                "devices": [{"deviceID": node.id}, {"deviceID": peer.id}],
                "rescanIntervalS": 3600, "fsWatcherEnabled": watch, "fsWatcherDelayS": 1,
                "markerName": ".stfolder"})

    def _synced(self, key, nfiles):
        def cond():
            sa = self.a.api("GET", "/rest/db/status?folder=" + key)
            sb = self.b.api("GET", "/rest/db/status?folder=" + key)
            return (sa["state"] == "idle" and sb["state"] == "idle" and sa["localFiles"] == nfiles
                    and sb["needTotalItems"] == 0 and sb["localFiles"] == nfiles and sb["globalFiles"] == nfiles)
        return wait_for(lambda: ok(cond), "syncthing folder %s in sync" % key, None, 0.1)

    def first_sync(self, key, local, nfiles, watch=False):
        b0, t0 = self.bytes_sent(), time.monotonic()
        self._add(key, local, watch)
        self._synced(key, nfiles)
        self.nfiles = getattr(self, "nfiles", {})
        self.nfiles[key] = nfiles
        return time.monotonic() - t0, self.bytes_sent() - b0

    def resync(self, key, local):
        """Rescans the sender (the call returns when the scan is done) and waits until the
        receiver has every file in the sender's version; returns (seconds, bytes sent)."""
        b0, t0 = self.bytes_sent(), time.monotonic()
        self.a.api("POST", "/rest/db/scan?folder=" + key, timeout=WAIT_MAX)

        def same():
            for dp, dirs, files in os.walk(local):
                dirs[:] = [d for d in dirs if d != ".stfolder"]  # Syncthing's marker
                for fn in files:
                    rel = os.path.relpath(os.path.join(dp, fn), local)
                    fa = self.a.api("GET", "/rest/db/file?folder=%s&file=%s" % (key, urllib.parse.quote(rel)))
                    fb = self.b.api("GET", "/rest/db/file?folder=%s&file=%s" % (key, urllib.parse.quote(rel)))
                    if fa["local"]["version"] != fb["local"]["version"]:
                        return False
            return True
        wait_for(lambda: ok(same), "syncthing %s: receiver has the sender's versions" % key, None, 0.1)
        self._synced(key, self.nfiles[key])
        dt = time.monotonic() - t0
        return dt, settle(self.bytes_sent) - b0

    def drop(self, key):
        for n in (self.a, self.b):
            ok(lambda: n.api("DELETE", "/rest/config/folders/" + key))

    def visible(self, key, name, size):
        p = os.path.join(self.dst[key], name)
        return os.path.exists(p) and os.path.getsize(p) == size

    def renamed(self, key, old, new, n):
        d = self.dst[key]
        return not os.path.exists(os.path.join(d, old)) and os.path.isdir(os.path.join(d, new)) and \
            len(os.listdir(os.path.join(d, new))) == n

    def restart(self, key):
        """Stops and starts both instances; seconds from the start until the sender has
        rescanned the folder (its lastScan is after the start) and both are idle and in sync."""
        self.a.stop()
        self.b.stop()
        since = time.time()
        t0 = time.monotonic()
        self.a.start()
        self.b.start()
        wait_for(lambda: ok(lambda: self.a.api("GET", "/rest/system/connections")["connections"][self.b.id]["connected"]),
                 "syncthing reconnect", None, 0.1)

        def scanned():
            ls = self.a.api("GET", "/rest/stats/folder")[key]["lastScan"]
            return datetime.datetime.fromisoformat(ls.replace("Z", "+00:00")).timestamp() >= since
        wait_for(lambda: ok(scanned), "syncthing %s: a scan after the restart" % key, None, 0.1)
        self._synced(key, self.nfiles[key])
        return time.monotonic() - t0

    def bytes_sent(self):
        return self.a.api("GET", "/rest/system/connections")["total"]["outBytesTotal"]

    def close(self):
        self.a.stop()
        self.b.stop()


# ---------------------------------------------------------------- rsync

class Rsync:
    name = "rsync"

    def __init__(self, work):
        if not shutil.which("rsync"):
            raise RuntimeError("rsync is not installed (apt-get install rsync)")
        self.work = os.path.join(work, "rsync")
        self.dstroot = os.path.join(self.work, "dst")
        os.makedirs(self.dstroot)
        self.port = free_port()
        conf = os.path.join(self.work, "rsyncd.conf")
        with open(conf, "w") as f:
            f.write("address = 127.0.0.1\nport = %d\npid file = %s/rsyncd.pid\nlock file = %s/rsyncd.lock\n"
                    "log file = %s/rsyncd.log\nuse chroot = false\nuid = %d\ngid = %d\nmax connections = 8\n"
                    "[dst]\npath = %s\nread only = false\n" % (self.port, self.work, self.work, self.work,
                                                              os.getuid(), os.getgid(), self.dstroot))
        self.proc = start(["rsync", "--daemon", "--no-detach", "--config=" + conf], os.path.join(self.work, "daemon.log"))
        wait_for(lambda: ok(lambda: socket.create_connection(("127.0.0.1", self.port)).close() or True), "rsync daemon", 30)

    def run(self, key, local):
        t0 = time.monotonic()
        r = subprocess.run(["rsync", "-a", "--delete", "--stats", local.rstrip("/") + "/",
                            "rsync://127.0.0.1:%d/dst/%s/" % (self.port, key)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=WAIT_MAX, check=True)
        dt = time.monotonic() - t0
        sent = 0
        for line in r.stdout.decode().splitlines():
            if line.startswith("Total bytes sent:"):
                sent = int(line.split(":")[1].strip().replace(",", ""))
        return dt, sent

    def first_sync(self, key, local, nfiles):
        return self.run(key, local)

    def resync(self, key, local):
        return self.run(key, local)

    def close(self):
        stop(self.proc)


# ---------------------------------------------------------------- scenarios

def fmt_s(x):
    return "%.2f s" % x


def fmt_b(x):
    if x >= 1 << 20:
        return "%.2f MB" % (x / 1e6)
    return "%.1f kB" % (x / 1e3)


def main():
    expired = []

    def on_alarm(*a):
        expired.append(True)
        raise TimeoutError("TOTAL_MAX (%d s) reached" % TOTAL_MAX)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    signal.alarm(TOTAL_MAX)
    work = tempfile.mkdtemp(prefix="tack-sidebyside.", dir=os.environ.get("TMPDIR"))
    results = {}  # row -> tool -> text
    load0 = open("/proc/loadavg").read().split()[:3]
    t_start = time.time()
    tools = []

    def put(row, tool, text):
        results.setdefault(row, {})[tool] = text
        log("%-12s %-40s %s" % (tool, row, text))

    try:
        log("work dir", work)
        src = os.path.join(work, "src")
        log("generating trees: %d x 4 KiB, %d MiB, %d x 64 B, %d-file folder ..." % (N_SMALL, BIG_MB, N_MANY, N_RENAME))
        if "small" in PARTS:
            make_tree(os.path.join(src, "small"), N_SMALL, 4096)
        if "big" in PARTS:
            make_big(os.path.join(src, "big", "big.bin"), BIG_MB)
        if "many" in PARTS:
            make_tree(os.path.join(src, "many"), N_MANY, 64, seed=2)
        if "ren" in PARTS:
            make_tree(os.path.join(src, "ren", "folder"), N_RENAME, 4096, per_dir=N_RENAME, seed=3)
        if os.path.isdir(os.path.join(src, "ren", "folder", "d0000")):
            os.rename(os.path.join(src, "ren", "folder", "d0000"), os.path.join(src, "ren", "dir"))
            os.rmdir(os.path.join(src, "ren", "folder"))
        os.makedirs(os.path.join(src, "lat"))

        # Each tool gets its own copy of the source trees: a tool may write into its folder
        # (Syncthing's .stfolder marker) and the edits/renames happen on the copy.
        for cls in (Tack, Syncthing, Rsync):
            if cls.name.lower() not in ONLY:
                continue
            tool = cls.name
            if expired:
                put("error", tool, "not run: TOTAL_MAX (%d s) reached before it" % TOTAL_MAX)
                continue
            mine = os.path.join(work, "src-" + tool.lower())
            subprocess.run(["cp", "-a", src, mine], check=True)
            t = None
            try:
                t = cls(work)
                tools.append(t)
                run_tool(t, mine, put)
            except Exception as e:  # record and go on with the next tool
                log("%s failed: %r" % (tool, e))
                put("error", tool, "%s: %s" % (type(e).__name__, str(e)[:200]))
            finally:
                if t is not None:
                    ok(t.close)
                    tools.remove(t)
                shutil.rmtree(mine, ignore_errors=True)
                shutil.rmtree(os.path.join(work, tool.lower()), ignore_errors=True)  # its server/receiver copies
    finally:
        signal.alarm(0)
        for p in list(PROCS):
            ok(lambda: stop(p))
        if results:  # the table first: removing 100,000s of files takes a while on a busy disk
            print_table(results, load0, open("/proc/loadavg").read().split()[:3], time.time() - t_start)
            sys.stdout.flush()
        if os.environ.get("KEEP"):
            log("kept", work)
        else:
            log("removing", work)
            shutil.rmtree(work, ignore_errors=True)


ROWS = [
    "first sync of %d × 4 KiB files" % N_SMALL,
    "first sync of one %d MiB file" % BIG_MB,
    "1 MiB edit in the middle of it: bytes sent",
    "1 MiB edit: time to synced",
    "save→drive, %d single-file saves: p50 / p95" % LAT_N,
    "rename of a %d-file folder: bytes sent" % N_RENAME,
    "first sync of %d × 64 B files" % N_MANY,
    "restart of the %d-file pair: time to synced" % N_MANY,
]


def run_tool(t, mine, put):
    run_rows(t, mine, put)


def run_rows(t, mine, put):
    name = t.name
    # 1. small files
    if "small" in PARTS:
        dt, b = t.first_sync("small", os.path.join(mine, "small"), N_SMALL)
        put(ROWS[0], name, "%s (%s sent)" % (fmt_s(dt), fmt_b(b)))
    if "big" in PARTS:
        run_big(t, mine, put)
    if "lat" in PARTS:
        run_lat(t, mine, put)
    if "ren" in PARTS:
        run_ren(t, mine, put)
    if "many" in PARTS:
        run_many(t, mine, put)


def run_big(t, mine, put):
    name = t.name
    # 2-3. big file and an edit in its middle
    big = os.path.join(mine, "big")
    dt, b = t.first_sync("big", big, 1)
    put(ROWS[1], name, "%s (%s sent)" % (fmt_s(dt), fmt_b(b)))
    edit_middle(os.path.join(big, "big.bin"))
    dt, b = t.resync("big", big)
    put(ROWS[2], name, fmt_b(b))
    put(ROWS[3], name, fmt_s(dt))


def run_lat(t, mine, put):
    name = t.name
    # 4. save -> drive
    lat = os.path.join(mine, "lat")
    seed = os.path.join(lat, "seed.txt")
    with open(seed, "wb") as f:
        f.write(b"seed\n")
    if name == "Tack":
        t.watch("lat", lat)
    elif name == "Syncthing":
        t.first_sync("lat", lat, 1, watch=True)
    if name in ("Tack", "Syncthing"):
        wait_for(lambda: t.visible("lat", "seed.txt", 5), "%s: seed file on the other side" % name)
        time.sleep(1)
    lats = []
    for i in range(LAT_N):
        fn = "save-%03d.txt" % i
        data = os.urandom(4096)
        t0 = time.monotonic()
        with open(os.path.join(lat, fn), "wb") as f:
            f.write(data)
        if name == "rsync":
            t.run("lat", lat)
        else:
            wait_for(lambda: t.visible("lat", fn, 4096), "%s: %s on the other side" % (name, fn), 120, 0.01)
        lats.append(time.monotonic() - t0)
        time.sleep(random.uniform(0.3, 0.7))  # a pause between saves, as a person makes them
    put(ROWS[4], name, "%.0f / %.0f ms" % (pctl(lats, 50) * 1000, pctl(lats, 95) * 1000) +
        (" (one rsync run per save: no watcher)" if name == "rsync" else ""))
    if name == "Tack":
        t.unwatch("lat")


def run_ren(t, mine, put):
    name = t.name
    # 5. folder rename
    ren = os.path.join(mine, "ren")
    if name == "Tack":
        dt, _ = t.once("ren", ren)  # first sync with --once, then the watching agent
        t.watch("ren", ren)
        time.sleep(3)
        settle(t.bytes_sent)
    elif name == "Syncthing":
        t.first_sync("ren", ren, N_RENAME, watch=True)
        settle(t.bytes_sent)
    else:
        t.run("ren", ren)
    if name == "rsync":
        os.rename(os.path.join(ren, "dir"), os.path.join(ren, "dir-renamed"))
        _, b = t.run("ren", ren)
        put(ROWS[5], name, fmt_b(b) + " (no rename detection)")
    else:
        b0 = t.bytes_sent()
        os.rename(os.path.join(ren, "dir"), os.path.join(ren, "dir-renamed"))
        note = ""
        try:
            wait_for(lambda: t.renamed("ren", "dir", "dir-renamed", N_RENAME), "%s: rename on the other side" % name, RENAME_MAX, 0.2)
        except TimeoutError:
            note = " (after %d s the other side still did not show only the renamed folder)" % RENAME_MAX
        b = settle(t.bytes_sent, 3) - b0
        put(ROWS[5], name, fmt_b(b) + note)
        if name == "Tack":
            t.unwatch("ren")


def run_many(t, mine, put):
    name = t.name
    # 6. many files: first sync, then restart
    many = os.path.join(mine, "many")
    if name == "Syncthing" and PARTS != {"many"}:  # only this folder, so its restart rescans nothing else
        for k in ("small", "big", "lat", "ren"):
            t.drop(k)
    dt, b = t.first_sync("many", many, N_MANY)
    put(ROWS[6], name, "%s (%s sent)" % (fmt_s(dt), fmt_b(b)))
    if name == "Syncthing":
        dt = t.restart("many")
        put(ROWS[7], name, fmt_s(dt) + " (both instances restarted, to idle and in sync)")
    elif name == "Tack":
        dt, b = t.resync("many", many)
        put(ROWS[7], name, fmt_s(dt) + " (`tack sync --once` on the kept index)")
    else:
        dt, b = t.resync("many", many)
        put(ROWS[7], name, fmt_s(dt) + " (an rsync run over the unchanged tree; rsync keeps no state)")


def print_table(results, load0, load1, total):
    names = ["Tack", "Syncthing", "rsync"]
    cmd = ("SMALL=1 " if SMALLRUN else "") + ("PARTS=%s " % os.environ["PARTS"] if os.environ.get("PARTS") else "") + "bench/sidebyside/sidebyside.py"
    print("### %s: side by side (`%s`)\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), cmd))
    print("%s shared cores, Go %s, Syncthing %s (built from the module proxy, `-tags noassets`), %s. "
          "Load average %s at the start and %s at the end (the machine was shared with other work: "
          "compare the tools with each other, not with other sections). The run took %.0f s.\n" % (
              os.cpu_count(), subprocess.run(["go", "env", "GOVERSION"], stdout=subprocess.PIPE).stdout.decode().strip(),
              ST_VERSION, " ".join(subprocess.run(["rsync", "--version"], stdout=subprocess.PIPE).stdout.decode().split()[:3]),
              " ".join(load0), " ".join(load1), total))
    print("| measurement | " + " | ".join(names) + " |")
    print("| --- | " + " | ".join("---" for _ in names) + " |")
    for row in ROWS + ["error"]:
        if row not in results:
            continue
        missing = "—" if row == "error" else "not measured (see error row)"
        print("| %s | %s |" % (row, " | ".join(results[row].get(n, missing) for n in names)))


if __name__ == "__main__":
    main()
