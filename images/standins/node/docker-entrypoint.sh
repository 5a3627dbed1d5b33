#!/bin/sh
# As in the official node image: a first argument that is an option, a file that is not executable
# or not a command at all is a script or option for node (`docker run IMAGE -e '...'`, `IMAGE app.js`).
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
