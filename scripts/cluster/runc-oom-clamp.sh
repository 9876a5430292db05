#!/bin/sh
# containerd's runc (its BinaryName): runc, with a negative process.oomScoreAdj in the bundle's
# config.json clamped to 0 first. containerd asks for -998 on every pod sandbox (and kubelet for
# -997 on Guaranteed pods), and lowering oom_score_adj needs CAP_SYS_RESOURCE, which this machine
# does not grant: runc would fail with "can't get final child's PID".
bundle=
prev=
for arg in "$@"; do
  if [ "$prev" = --bundle ] || [ "$prev" = -b ]; then bundle="$arg"; fi
  case "$arg" in --bundle=*) bundle="${arg#--bundle=}" ;; esac
  prev="$arg"
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  sed -i -E 's/"oomScoreAdj":-[0-9]+/"oomScoreAdj":0/' "$bundle/config.json"
fi
exec runc "$@"
