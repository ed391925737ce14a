#!/bin/sh
# help-notify.sh FILE ARG…: a [staff] notify_command for the scenarios: appends one line
# to FILE with the arguments it was given (the kiosk appends the screen and the time).
out=$1
shift
printf '%s\n' "$*" >> "$out"
