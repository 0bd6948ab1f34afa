#!/bin/sh
# Runs a command where /etc/resolv.conf points at a dnsmasq on 127.0.0.1:53 serving the records
# below, so promtool (which always asks port 53 of resolv.conf's servers) and promkit resolve the
# same names. Needs a private user, mount and network namespace: run it as
#   unshare -rmn dnsns.sh RESOLV_CONF CMD...
# dnsmasq runs with --no-daemon, which also keeps it from dropping privileges (setgroups is not
# allowed in such a namespace).
ip link set lo up || exit 97
/usr/sbin/dnsmasq --port=53 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
  --conf-file=/dev/null --log-facility=/dev/null --no-daemon --local=/test/ \
  --host-record=web.test,10.0.0.1,fd00::1 --host-record=web2.test,10.0.0.2 \
  --srv-host=_prom._tcp.test,web.test,9100,0,10 --srv-host=_prom._tcp.test,web2.test,9101,1,10 \
  --mx-host=mail.test,mx1.test,10 --cname=alias.test,web2.test \
  --dns-rr=zone.test,2,036e7331047465737400 >/dev/null 2>&1 </dev/null &
dns=$!
sleep 0.3
mount --bind "$1" /etc/resolv.conf || { kill $dns; exit 98; }
shift
"$@"
rc=$?
kill $dns
wait $dns
exit $rc
