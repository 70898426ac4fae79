#!/usr/bin/env python3
# The crash soak under load, by hand (test_crashsoak is CI's): `exeserver-cli serve` is SIGKILLed at random
# moments while 4 keep-alive senders post signed `push` deliveries as fast as they are answered (each
# re-sending one that got no answer, with the same X-GitHub-Delivery), then restarted. Afterwards every
# acknowledged delivery must be stored, once. At a few thousand deliveries a second the intake journal
# rolls its 8 MB segments over and reuses their files between kills, which the slow CI soak never reaches.
#
#   tests/app/killsoak_under_load.py build/dev/app/exeserver-cli [KILLS]
import hashlib, hmac, http.client, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time
cli = sys.argv[1]; kills = int(sys.argv[2]) if len(sys.argv) > 2 else 20; secret = b's'
here = os.path.dirname(os.path.abspath(__file__))
body0 = json.load(open(os.path.join(here, '..', 'data', 'webhooks', 'push.json')))
data = tempfile.mkdtemp(prefix='exeserver-killsoak.'); port = random.randint(20000, 40000)
acked = set(); lock = threading.Lock(); seq = [0]; stop = [False]
def start():
    env = dict(os.environ, GITHUB_WEBHOOK_SECRET='s', QT_LOGGING_RULES='exeserver.*.info=false')
    p = subprocess.Popen([cli, '--data-dir', data, 'serve', '--no-poll', '--no-api', '--webhook-port', str(port)],
                         stdout=open(data + '/serve.log', 'a'), stderr=subprocess.STDOUT, env=env)
    for _ in range(200):
        try: http.client.HTTPConnection('127.0.0.1', port, timeout=1).request('GET', '/healthz'); return p
        except OSError: time.sleep(0.05)
    return p
def sender(k):
    conn = None
    while not stop[0]:
        with lock: seq[0] += 1; n = seq[0]
        body = dict(body0); body['after'] = '%040x' % (n * 7919 + k); body = json.dumps(body).encode()
        did = 'ks-%d' % n
        sig = 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest()
        while not stop[0]:
            try:
                if conn is None: conn = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
                conn.request('POST', '/webhook', body, {'X-GitHub-Event': 'push', 'X-GitHub-Delivery': did,
                             'X-Hub-Signature-256': sig, 'Content-Type': 'application/json'})
                r = conn.getresponse(); r.read()
                if 200 <= r.status < 300:
                    with lock: acked.add(did)
                    break
            except (OSError, http.client.HTTPException):
                conn = None; time.sleep(0.02)  # server down: resend the same delivery later
p = start()
threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
for t in threads: t.start()
for i in range(kills):
    time.sleep(random.uniform(1.0, 4.0))
    p.send_signal(signal.SIGKILL); p.wait()
    p = start()
time.sleep(1); stop[0] = True
for t in threads: t.join()
p.send_signal(signal.SIGTERM); p.wait()
db = sqlite3.connect(data + '/exeserver.db')
ids = set(r[0] for r in db.execute("SELECT id FROM events WHERE id LIKE 'ks-%'"))
rows = db.execute("SELECT count(*) FROM events WHERE id LIKE 'ks-%'").fetchone()[0]
lost = acked - ids
print('kill soak under load: %d kills, %d acknowledged, %d stored rows (%d distinct), %d lost (data in %s)'
      % (kills, len(acked), rows, len(ids), len(lost), data))
if not lost and rows == len(ids):
    shutil.rmtree(data)
sys.exit(1 if lost or rows != len(ids) else 0)
