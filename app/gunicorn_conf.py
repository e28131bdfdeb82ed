"""gunicorn's settings for `qms web` (the scale-out layout; docs/deploy.md): worker
processes with threads, sized from the environment, a graceful stop that lets downloads
finish, and an access log line per request with its request id and duration.

QMS_WEB_BIND (127.0.0.1:8000), QMS_WEB_WORKERS (twice the cores), QMS_WEB_THREADS (4) and
QMS_WEB_GRACEFUL_SECONDS (30) size it; any gunicorn option given to `qms web` wins."""

import os

wsgi_app = "app.wsgi:application"
proc_name = "qms-web"
bind = os.environ.get("QMS_WEB_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("QMS_WEB_WORKERS") or 2 * (os.cpu_count() or 1))
# Threads serve a process's requests side by side while others wait on the database.
worker_class = "gthread"
threads = int(os.environ.get("QMS_WEB_THREADS") or 4)
# A worker silent this long is restarted (a request may take longer: its thread is not
# the worker's heartbeat).
timeout = 60
# On SIGTERM or a reload, requests and downloads under way get this long to finish.
graceful_timeout = int(os.environ.get("QMS_WEB_GRACEFUL_SECONDS") or 30)
# Longer than any client keeps an idle connection to us (nginx's upstream keepalive_timeout
# is 60 s): a connection we closed while the client was reusing it is a "connection reset"
# for a request that never arrived. Idle connections wait in the poller, not in a thread.
keepalive = 75
# The proxy's X-Forwarded-* headers are believed by the app alone (QMS_PROXY_HOPS, one
# place to trust them), not by gunicorn as well.
forwarded_allow_ips = ""
# Several gunicorns may run on one host (a second instance, the tests): no shared socket.
control_socket_disable = True
# The heartbeat files of the workers in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# Address, request id (the X-Request-ID answered), user, request, status, bytes,
# milliseconds, referrer, user agent.
access_log_format = '%(h)s %({x-request-id}o)s %(u)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
