#!/bin/sh
# private-mounts.sh CMD…: runs CMD in a mount namespace of its own, whose mounts never
# reach the rest of the machine (tests hide or replace directories with them).
# `unshare -m` makes every mount private, which needs / to be a mount point; in a chroot
# (tests on a fresh Debian root) it is not, and then the mounts are left as they are,
# which is as safe when none of them is shared with another namespace.
if unshare -m --propagation private true 2>/dev/null; then
    exec unshare -m --propagation private -- "$@"
fi
if ! grep -q ' shared:' /proc/self/mountinfo; then
    exec unshare -m --propagation unchanged -- "$@"
fi
echo "private-mounts: cannot make a private mount namespace here" >&2
exit 2
